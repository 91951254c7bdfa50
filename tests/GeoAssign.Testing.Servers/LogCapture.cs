// Collects what a server logs at warning level and above, for tests that check what is reported as a failure.
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GeoAssign.Testing.Servers;

/// <summary>A logger provider that keeps warnings and errors in memory. Thread-safe.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    /// <summary>
    /// Adds this capture to <paramref name="logging"/> with a filter of its own, so that it sees the
    /// warnings and errors of every category whatever levels the configuration sets for the console
    /// (the test servers quieten some categories there).
    /// </summary>
    public void AttachTo(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        logging.AddFilter<LogCapture>(category: null, LogLevel.Warning);
    }

    /// <summary>Each entry as "Level Category: message".</summary>
    public IReadOnlyCollection<string> Entries => _entries;

    /// <summary>The entries at <paramref name="level"/> or above.</summary>
    public IEnumerable<string> AtLeast(LogLevel level) =>
        _entries.Where(entry => Enum.Parse<LogLevel>(entry[..entry.IndexOf(' ', StringComparison.Ordinal)]) >= level);

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name}");
            }
        }
    }
}
