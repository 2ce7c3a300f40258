using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Veiligthuis.Gateway.Logging;
using Veiligthuis.TestSupport;
using Xunit;

namespace Veiligthuis.Gateway.Tests;

public sealed partial class BatchedConsoleLoggingTests
{
    [Fact]
    public async Task LinesFromManyThreads_AreAllWrittenWhole_InOrderPerThread_AsTheJsonConsoleWritesThem()
    {
        const int threads = 4;
        const int linesPerThread = 2000;
        var output = new MemoryStream();
        var provider = new BatchedConsoleLoggerProvider(JsonFormatter(), output);
        var logger = provider.CreateLogger("Veiligthuis.Gateway.AccessLog");

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < linesPerThread; i++)
            {
                LogLine(logger, t, i);
            }
        }, TestContext.Current.CancellationToken)));
        provider.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(threads * linesPerThread, lines.Length);
        var next = new int[threads];
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal(7002, root.GetProperty("EventId").GetInt32());
            Assert.Equal("Veiligthuis.Gateway.AccessLog", root.GetProperty("Category").GetString());
            var state = root.GetProperty("State");
            var thread = state.GetProperty("Thread").GetInt32();
            Assert.Equal(next[thread]++, state.GetProperty("Index").GetInt32());
        }

        Assert.All(next, n => Assert.Equal(linesPerThread, n));
    }

    [Fact]
    public async Task QuietLogger_WritesEachLineAtOnce_WithoutWaitingForMore()
    {
        var output = new ObservedStream();
        using var provider = new BatchedConsoleLoggerProvider(JsonFormatter(), output);
        var logger = provider.CreateLogger("Veiligthuis.Gateway.AccessLog");

        LogLine(logger, 0, 1);

        await Eventually.UntilAsync(() => Task.FromResult(output.Text.Contains("\"Index\":1", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the single line to be written");
    }

    [Fact]
    public void SimpleFormatter_WritingInPieces_GivesTheSameLinesInOrder()
    {
        var output = new MemoryStream();
        var services = new ServiceCollection().AddLogging(l => l.AddSimpleConsole(o => { o.SingleLine = true; o.ColorBehavior = LoggerColorBehavior.Disabled; })).BuildServiceProvider();
        var provider = new BatchedConsoleLoggerProvider(services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Simple), output);
        var logger = provider.CreateLogger("Veiligthuis.Gateway.AccessLog");

        for (var i = 0; i < 100; i++)
        {
            LogLine(logger, 0, i);
        }

        provider.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100, lines.Length);
        Assert.All(lines.Select((line, i) => (line, i)), l =>
            Assert.Equal($"info: Veiligthuis.Gateway.AccessLog[7002] Line 0 {l.i}", l.line));
    }

    [Fact]
    public void Gateway_LogsThroughTheBatchedConsole_NotTheConsoleLogger()
    {
        using var app = new GatewayApp();

        var providers = app.Services.GetServices<ILoggerProvider>().ToList();

        Assert.Contains(providers, p => p is BatchedConsoleLoggerProvider);
        Assert.DoesNotContain(providers, p => p is ConsoleLoggerProvider);
    }

    private static ConsoleFormatter JsonFormatter()
    {
        var services = new ServiceCollection().AddLogging(l => l.AddJsonConsole(o => o.IncludeScopes = false)).BuildServiceProvider();
        return services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Line {Thread} {Index}")]
    private static partial void LogLine(ILogger logger, int thread, int index);

    /// <summary>Written to by the writer thread while the test reads it.</summary>
    private sealed class ObservedStream : MemoryStream
    {
        private readonly Lock _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_gate)
            {
                base.Write(buffer);
            }
        }
    }
}
