// A bar chart of a balance report: one bar per owner, the live map and the plan side by side, as SVG or PNG.
using System.Globalization;
using GeoAssign.Client;
using ScottPlot;

namespace GeoAssign.Cli.Output;

/// <summary>
/// Draws a balance report as a bar chart with ScottPlot: per owner the accounts (or, for a weighted
/// report, the weight) under the live map and, when the report has a plan, under the plan beside it.
/// The file type follows the extension: .svg or .png. Stateless and thread-safe.
/// </summary>
internal static class BalanceChart
{
    /// <summary>The chart's height in pixels; the width grows with the number of owners.</summary>
    public const int Height = 600;

    private const int MinWidth = 800;
    private const int MaxWidth = 8000;
    private const int PixelsPerOwner = 36;

    /// <summary>Whether <paramref name="file"/> has an extension a chart can be written as.</summary>
    public static bool Supports(FileInfo file) => Format(file) is not null;

    /// <summary>The width in pixels of the chart of <paramref name="owners"/> owners.</summary>
    public static int Width(int owners) => Math.Clamp(160 + owners * PixelsPerOwner, MinWidth, MaxWidth);

    /// <summary>Writes the chart of <paramref name="report"/> to <paramref name="file"/> (.svg or .png).</summary>
    /// <exception cref="CliInputException">The extension is neither, or the file cannot be written.</exception>
    public static void Write(BalanceReport report, FileInfo file)
    {
        var format = Format(file) ?? throw new CliInputException($"{file.FullName}: the chart is written as .svg or .png; name the file with one of them.");
        if (file.Directory is { Exists: false } directory)
        {
            throw new CliInputException($"{file.FullName}: the folder {directory.FullName} does not exist.");
        }

        using var plot = Draw(report, out var owners);
        var width = Width(owners);
        try
        {
            if (format == ImageFormat.Svg)
            {
                plot.SaveSvg(file.FullName, width, Height);
            }
            else
            {
                plot.SavePng(file.FullName, width, Height);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliInputException($"{file.FullName}: cannot be written ({e.Message}).");
        }
    }

    private static Plot Draw(BalanceReport report, out int ownerCount)
    {
        // Owners of either map, in id order; an owner missing from one map has nothing there.
        var live = report.Live.Owners.ToDictionary(o => o.OwnerId, StringComparer.Ordinal);
        var planned = report.Plan?.Owners.ToDictionary(o => o.OwnerId, StringComparer.Ordinal);
        double Value(OwnerBalance? owner) => owner is null ? 0 : report.Weighted ? owner.Totals.Weight : owner.Totals.Count;
        var all = live.Keys.Union(planned?.Keys ?? Enumerable.Empty<string>(), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Owners without accounts on either side add empty slots only (an account file of one region
        // against a national map): they are left out of the bars, said in the title, and still count
        // in the figures of the legend.
        var owners = all.Where(o => Value(live.GetValueOrDefault(o)) != 0 || (planned is not null && Value(planned.GetValueOrDefault(o)) != 0)).ToList();
        if (owners.Count == 0)
        {
            owners = all;
        }

        var idle = all.Count - owners.Count;
        ownerCount = owners.Count;

        var plot = new Plot();
        var liveColor = new Color(31, 119, 180);
        var planColor = new Color(255, 127, 14);
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        var size = planned is null ? 0.7 : 0.4;
        for (var i = 0; i < owners.Count; i++)
        {
            var owner = owners[i];
            var livePosition = planned is null ? i : i - 0.2;
            bars.Add(new Bar { Position = livePosition, Value = Value(live.GetValueOrDefault(owner)), FillColor = liveColor, Size = size, LineWidth = 0 });
            if (planned is not null)
            {
                bars.Add(new Bar { Position = i + 0.2, Value = Value(planned.GetValueOrDefault(owner)), FillColor = planColor, Size = size, LineWidth = 0 });
            }

            ticks.Add(new Tick(i, owner, isMajor: true));
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        if (owners.Count > 12)
        {
            // Many owners: slanted names do not run into each other.
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 8 + 6.5f * owners.Max(o => o.Length);
        }

        plot.Axes.Margins(bottom: 0);
        var quantity = report.Weighted ? "Weight" : "Accounts";
        plot.Title((report.Plan is { } plan
            ? $"{quantity} per owner: live map (v{report.Live.MapVersion}) and plan {plan.Plan} (v{plan.MapVersion}), layer {report.Layer}"
            : $"{quantity} per owner: live map (v{report.Live.MapVersion}), layer {report.Layer}")
            + (idle == 0 ? "" : $"\n{idle} owners without accounts on either side are not drawn; the Gini counts them"));
        plot.YLabel(quantity);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = string.Create(CultureInfo.InvariantCulture, $"Live (Gini {Gini(report.Live, report.Weighted):0.000})"), FillColor = liveColor });
        if (report.Plan is { } withPlan)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = string.Create(CultureInfo.InvariantCulture, $"Plan {withPlan.Plan} (Gini {Gini(withPlan, report.Weighted):0.000})"), FillColor = planColor });
        }

        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static double Gini(MapBalance balance, bool weighted) => weighted ? balance.WeightFigures.Gini : balance.CountFigures.Gini;

    private static ImageFormat? Format(FileInfo file) => file.Extension.ToLowerInvariant() switch
    {
        ".svg" => ImageFormat.Svg,
        ".png" => ImageFormat.Png,
        _ => null,
    };

    private enum ImageFormat
    {
        Svg,
        Png,
    }
}
