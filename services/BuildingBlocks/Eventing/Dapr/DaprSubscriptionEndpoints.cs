using System.Security.Cryptography;
using System.Text;
using global::Dapr;
using global::Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Veiligthuis.BuildingBlocks.Eventing.Dapr;

/// <summary>
/// One POST endpoint per subscribed topic on the HTTP port, announced to the sidecar through
/// <c>/dapr/subscribe</c>. 200 acknowledges; 500 makes Dapr retry and finally dead-letter.
/// </summary>
public static partial class DaprSubscriptionEndpoints
{
    public static string PathFor(string topic) => "/events/" + topic;

    public static IEndpointRouteBuilder MapDaprSubscriptions(this IEndpointRouteBuilder app)
    {
        var subscriptions = app.ServiceProvider.GetRequiredService<EventSubscriptions>();
        var settings = app.ServiceProvider.GetRequiredService<IOptions<DaprOptions>>().Value;
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DaprSubscriptionEndpoints));

        app.MapSubscribeHandler().AllowAnonymous();
        foreach (var subscription in subscriptions.All)
        {
            var topic = subscription.Topic;
            app.MapPost(PathFor(topic), async (HttpRequest request, EventDispatcher dispatcher, CancellationToken ct) =>
                {
                    if (!HasAppToken(request, settings.AppApiToken))
                    {
                        return Results.StatusCode(StatusCodes.Status403Forbidden);
                    }

                    using var body = new MemoryStream();
                    await request.Body.CopyToAsync(body, ct);
                    try
                    {
                        await dispatcher.DispatchAsync(CloudEventJson.Deserialize(topic, body.ToArray()), ct);
                        return Results.Ok(new { status = "SUCCESS" });
                    }
                    catch (PoisonEventException)
                    {
                        // Dapr sends a DROPped event to the dead-letter topic.
                        return Results.Ok(new { status = "DROP" });
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        // Type only: exception messages can carry personal data. 500 makes Dapr retry.
                        LogHandlerFailed(logger, topic, e.GetType().Name);
                        return Results.StatusCode(StatusCodes.Status500InternalServerError);
                    }
                })
                .AllowAnonymous()
                .WithTopic(new TopicOptions { PubsubName = settings.PubSubName, Name = topic, DeadLetterTopic = settings.DeadLetterTopic });
        }

        return app;
    }

    private static bool HasAppToken(HttpRequest request, string? expected)
    {
        if (string.IsNullOrEmpty(expected))
        {
            return true;
        }

        var presented = request.Headers["dapr-api-token"].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling an event of {Topic} failed ({ExceptionType}); Dapr retries it")]
    private static partial void LogHandlerFailed(ILogger logger, string topic, string exceptionType);
}
