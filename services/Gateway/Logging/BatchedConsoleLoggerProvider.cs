using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Veiligthuis.Gateway.Logging;

/// <summary>
/// The console logger's output (same formatter, same lines: JSON outside Development) written to stdout
/// in batches. The console logger writes and flushes every line by itself (one <c>write</c> system call
/// per line, on an auto-flushing <see cref="Console.Out"/>); with one access-log line per proxied call
/// that was the gateway's largest cost of its own under load (ADR 0018). Here lines are formatted on the
/// caller's thread as before, queued, and a writer thread writes whatever is queued in one go and
/// flushes when the queue is empty: one line at a time when the gateway is quiet (no delay), many per
/// system call when it is busy.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    /// <summary>As the console logger's default queue; a full queue makes the logging thread wait, never drops a line.</summary>
    public const int MaxQueuedLines = 2500;

    private readonly ConsoleFormatter _formatter;
    private readonly Stream _output;
    private readonly Channel<Line> _lines = Channel.CreateBounded<Line>(
        new BoundedChannelOptions(MaxQueuedLines) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Thread _writer;
    private IExternalScopeProvider? _scopes;

    public BatchedConsoleLoggerProvider(IOptions<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
        : this(Formatter(options.Value, formatters), Console.OpenStandardOutput())
    {
    }

    public BatchedConsoleLoggerProvider(ConsoleFormatter formatter, Stream output)
    {
        _formatter = formatter;
        _output = output;
        _writer = new Thread(WriteQueuedLines) { IsBackground = true, Name = "Batched console log writer" };
        _writer.Start();
    }

    public ILogger CreateLogger(string categoryName) => new BatchedConsoleLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Writes what is queued (waiting at most a few seconds) and stops the writer.</summary>
    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _writer.Join(TimeSpan.FromSeconds(5));
    }

    private void Enqueue(Line line)
    {
        if (_lines.Writer.TryWrite(line))
        {
            return;
        }

        try
        {
            // Full: wait like the console logger does (QueueFullMode.Wait) rather than lose a line.
            _lines.Writer.WriteAsync(line).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            // Logged while the host shuts down, after the writer has stopped.
        }
    }

    private void WriteQueuedLines()
    {
        var reader = _lines.Reader;
        using var output = new StreamWriter(_output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
        try
        {
            // A dedicated thread, so blocking on the wait costs no pool thread.
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var line))
                {
                    output.Write(line.Text);
                    if (line.NewLine)
                    {
                        output.Write(Environment.NewLine);
                    }
                }

                output.Flush();
            }
        }
        catch (IOException)
        {
            // stdout closed: nothing left to write to (as the console logger, which gives up silently).
        }
    }

    private static ConsoleFormatter Formatter(ConsoleLoggerOptions options, IEnumerable<ConsoleFormatter> formatters)
    {
        var name = options.FormatterName ?? ConsoleFormatterNames.Simple;
        return formatters.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No console log formatter named '{name}'.");
    }

    private sealed class BatchedConsoleLogger(BatchedConsoleLoggerProvider provider, string category) : ILogger
    {
        // Per thread, as the console logger's StringWriter.
        [ThreadStatic]
        private static LineCapture? t_line;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            provider._scopes?.Push(state) ?? NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var capture = t_line ??= new LineCapture();
            var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
            provider._formatter.Write(in entry, provider._scopes, capture);
            if (capture.Take() is { } line)
            {
                provider.Enqueue(line);
            }
        }
    }

    private readonly record struct Line(string Text, bool NewLine);

    /// <summary>
    /// What a formatter writes for one entry. The JSON formatter writes the whole line as one string and
    /// then a newline: that string is kept as it is, not copied into a builder and out again (a line is
    /// about 600 characters and every proxied call writes one). Other writes are collected as usual.
    /// </summary>
    private sealed class LineCapture : TextWriter
    {
        private readonly StringBuilder _text = new();
        private string? _whole;
        private bool _newLine;

        public override Encoding Encoding => Encoding.UTF8;

        public override IFormatProvider FormatProvider => CultureInfo.InvariantCulture;

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            if (_whole is not null && !_newLine && value == Environment.NewLine)
            {
                _newLine = true;
                return;
            }

            if (_text.Length == 0 && _whole is null)
            {
                _whole = value;
                return;
            }

            Collected().Append(value);
        }

        public override void Write(char value) => Collected().Append(value);

        public override void Write(char[] buffer, int index, int count) => Collected().Append(buffer, index, count);

        public override void Write(ReadOnlySpan<char> buffer) => Collected().Append(buffer);

        public Line? Take()
        {
            Line? line = _whole is not null ? new Line(_whole, _newLine)
                : _text.Length > 0 ? new Line(_text.ToString(), false)
                : null;
            _whole = null;
            _newLine = false;
            _text.Clear();
            if (_text.Capacity > 4096)
            {
                _text.Capacity = 4096;
            }

            return line;
        }

        // Anything beyond one whole string (and its newline) goes through the builder, in order.
        private StringBuilder Collected()
        {
            if (_whole is not null)
            {
                _text.Append(_whole);
                if (_newLine)
                {
                    _text.Append(Environment.NewLine);
                }

                _whole = null;
                _newLine = false;
            }

            return _text;
        }
    }

    private sealed class NullScope : IDisposable
    {
        public static readonly NullScope Instance = new();

        public void Dispose()
        {
        }
    }
}

public static class BatchedConsoleLoggingExtensions
{
    /// <summary>Replaces the console logger (configured by <c>AddTelemetry</c>) by its batched twin, same format.</summary>
    public static WebApplicationBuilder AddBatchedConsoleLogging(this WebApplicationBuilder builder)
    {
        var console = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
        if (console.Count == 0)
        {
            return builder;
        }

        foreach (var descriptor in console)
        {
            builder.Services.Remove(descriptor);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, BatchedConsoleLoggerProvider>());
        return builder;
    }
}
