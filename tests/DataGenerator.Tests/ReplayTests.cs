using Veiligthuis.Common.V1;
using Veiligthuis.TestSupport;

namespace Veiligthuis.Tools.DataGenerator.Tests;

/// <summary>Intake in process on real PostgreSQL: the service the gateway forwards replayed requests to.</summary>
public sealed class ReplayIntake() : ServiceApp<global::Program>("intake"), IAsyncLifetime;

public sealed class ReplayTests(ReplayIntake intake) : IClassFixture<ReplayIntake>
{
    [Fact]
    public async Task Replay_creates_every_request_once_and_a_rerun_creates_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Path.Combine(Path.GetTempPath(), $"replay-{Guid.NewGuid():N}.jsonl");
        var verzoeken = Generator.Generate(new GeneratorOptions(17, 0.01, [Regio.Utrecht, Regio.Zeeland, Regio.Drenthe]));
        await using (var stream = File.Create(file))
        {
            await JsonLines.WriteAsync(verzoeken, stream, ct);
        }

        try
        {
            var options = new ReplayOptions(file, intake.Server.BaseAddress, intake.Tokens.SigningKey, Concurrency: 4);
            var progress = new StringWriter();
            Assert.Equal(0, await Replay.RunAsync(options, progress, ct, intake.Server.CreateHandler()));
            Assert.Contains($"{verzoeken.Count}/{verzoeken.Count} (100.0 %)", progress.ToString(), StringComparison.Ordinal);
            Assert.Contains(" 0 errors", progress.ToString(), StringComparison.Ordinal);

            var meldingen = verzoeken.Count(v => v.Melding is not null);
            var adviezen = verzoeken.Count - meldingen;
            Assert.Equal(meldingen, await intake.AdminScalarAsync<long>("select count(*) from melding"));
            Assert.Equal(adviezen, await intake.AdminScalarAsync<long>("select count(*) from advies"));
            Assert.Equal(verzoeken.Count(v => v.Regio == "vt-zeeland" && v.Melding is not null),
                await intake.AdminScalarAsync<long>("select count(*) from melding where regio = 'vt-zeeland'"));

            // The request ids in the file make the second run a no-op.
            Assert.Equal(0, await Replay.RunAsync(options, new StringWriter(), ct, intake.Server.CreateHandler()));
            Assert.Equal(meldingen, await intake.AdminScalarAsync<long>("select count(*) from melding"));
            Assert.Equal(adviezen, await intake.AdminScalarAsync<long>("select count(*) from advies"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
