// What the run ran on: cores, CPU model, load average, runtime.
using System.Globalization;
using System.Runtime.InteropServices;

namespace GeoAssign.LoadTest.Reporting;

/// <summary>The machine a run ran on, for the reports (numbers are only comparable on the same machine).</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string LoadAverage, string Runtime, string Os)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        CpuModel(),
        LoadAverageNow(),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription);

    /// <summary>"1.23 0.98 0.50" from /proc/loadavg (1, 5 and 15 minutes), or "n/a".</summary>
    public static string LoadAverageNow()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(' ', parts.Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString().ToLower(CultureInfo.InvariantCulture);
    }
}
