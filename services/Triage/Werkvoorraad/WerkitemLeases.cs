using Grpc.Core;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Veiligthuis.Triage.Werkvoorraad;

/// <summary>
/// Leases on werkitems in Redis: at most one medewerker holds one, and it lapses by itself.
/// PostgreSQL records the latest claimant, but only a live lease here counts as a claim.
/// </summary>
public sealed partial class WerkitemLeases(IConnectionMultiplexer redis, IOptions<TriageOptions> options, TimeProvider clock,
    ILogger<WerkitemLeases> logger)
{
    // Takes the lease when it is free (SET NX PX) or renews it when the caller already holds it.
    private const string ClaimScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    // Compare-and-delete: only the holder may release.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    public TimeSpan Duration => options.Value.LeaseDuration;

    /// <summary>The lease until when the caller holds it now, or null when someone else does.</summary>
    public async Task<Claim?> TryClaimAsync(string regio, Guid werkitemId, string actor, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = clock.GetUtcNow();
        var result = await AvailableAsync(() => redis.GetDatabase().ScriptEvaluateAsync(ClaimScript, [Key(regio, werkitemId)],
            [actor, (long)Duration.TotalMilliseconds]));
        return (long)result == 1 ? new Claim(actor, now + Duration) : null;
    }

    public async Task<bool> ReleaseAsync(string regio, Guid werkitemId, string actor, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var result = await AvailableAsync(() => redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key(regio, werkitemId)], [actor]));
        return (long)result == 1;
    }

    /// <summary>The live leases of <paramref name="werkitemIds"/>; an expired lease is absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, Claim>> HoldersAsync(string regio, IReadOnlyCollection<Guid> werkitemIds,
        CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var now = clock.GetUtcNow();
        var lookups = werkitemIds.Select(id => (Id: id, Lease: db.StringGetWithExpiryAsync(Key(regio, id)))).ToList();
        await AvailableAsync(async () => await Task.WhenAll(lookups.Select(l => l.Lease)));
        var holders = new Dictionary<Guid, Claim>();
        foreach (var (id, lease) in lookups)
        {
            var value = await lease;
            if (value.Value.HasValue)
            {
                holders[id] = new Claim(value.Value!, now + (value.Expiry ?? TimeSpan.Zero));
            }
        }

        return holders;
    }

    public async Task<Claim?> HolderAsync(string regio, Guid werkitemId, CancellationToken ct) =>
        (await HoldersAsync(regio, [werkitemId], ct)).GetValueOrDefault(werkitemId);

    // Without the lease store nobody can tell who holds a werkitem: the caller may retry later.
    private async Task<T> AvailableAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RedisConnectionException e)
        {
            LogUnavailable(logger, e.GetType().Name);
            throw new RpcException(new Status(StatusCode.Unavailable, "The lease store is unavailable; retry later."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease store unavailable: {ExceptionType}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType);

    private static RedisKey Key(string regio, Guid werkitemId) => $"werkitem-lease:{regio}:{werkitemId}";
}
