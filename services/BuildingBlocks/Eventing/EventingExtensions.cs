using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using Veiligthuis.BuildingBlocks.Eventing.Dapr;
using Veiligthuis.BuildingBlocks.Eventing.Redis;

namespace Veiligthuis.BuildingBlocks.Eventing;

public enum EventTransport
{
    Redis,
    Dapr,
}

/// <summary>Registers handlers; the transport underneath is chosen by configuration.</summary>
public sealed class EventingBuilder(WebApplicationBuilder builder, EventSubscriptions subscriptions)
{
    public EventingBuilder Subscribe<TEvent, THandler>(string topic)
        where TEvent : IMessage<TEvent>, new()
        where THandler : class, IEventHandler<TEvent>
    {
        subscriptions.Add<TEvent, THandler>(topic);
        builder.Services.AddScoped<THandler>();
        return this;
    }
}

public static class EventingExtensions
{
    /// <summary>
    /// The event bus: <c>Eventing:Transport</c> = <c>Redis</c> (Redis Streams from
    /// <c>ConnectionStrings:redis</c>; local and CI) or <c>Dapr</c> (sidecar pub/sub; Kubernetes).
    /// </summary>
    public static EventingBuilder AddEventing(this WebApplicationBuilder builder)
    {
        var subscriptions = new EventSubscriptions();
        builder.Services.AddSingleton(subscriptions);
        builder.Services.AddSingleton<EventDispatcher>();

        switch (builder.Configuration.GetValue("Eventing:Transport", EventTransport.Redis))
        {
            case EventTransport.Dapr:
                builder.Services.Configure<DaprOptions>(builder.Configuration.GetSection(DaprOptions.Section));
                builder.Services.AddDaprClient();
                builder.Services.AddSingleton<IEventPublisher, DaprPublisher>();
                break;
            default:
                builder.Services.Configure<RedisStreamsOptions>(builder.Configuration.GetSection(RedisStreamsOptions.Section));
                builder.AddRedis();
                builder.Services.AddSingleton<IEventPublisher, RedisStreamsPublisher>();
                builder.Services.AddHostedService<RedisStreamsConsumer>();
                break;
        }

        return new EventingBuilder(builder, subscriptions);
    }

    /// <summary>The shared Redis connection; it reconnects by itself, so start-up never waits for Redis.</summary>
    public static WebApplicationBuilder AddRedis(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var connectionString = builder.Configuration.GetConnectionString("redis")
                ?? throw new InvalidOperationException("ConnectionStrings:redis is not configured.");
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        return builder;
    }

    /// <summary>With Dapr, maps the subscription endpoints the sidecar delivers to; with Redis, nothing.</summary>
    public static WebApplication MapEventSubscriptions(this WebApplication app)
    {
        if (app.Configuration.GetValue("Eventing:Transport", EventTransport.Redis) == EventTransport.Dapr)
        {
            app.MapDaprSubscriptions();
        }

        return app;
    }
}
