namespace Logistics.Web.Components.Dashboards;

/// <summary>
/// The spacing of a chart's value axis. MudBlazor's default is one tick every 20, which drew an axis up to 20 for a
/// week of one or two requests and flattened the bars; a round step (1, 2, 5 × 10ⁿ) giving about five ticks keeps the
/// data's own scale. MudBlazor takes whole numbers of at least 1.
/// </summary>
public static class ChartScale
{
    public static int TickSpacing(double largestValue)
    {
        if (!(largestValue > 5)) return 1;
        var rough = largestValue / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = (rough / magnitude) switch { <= 1 => 1, <= 2 => 2, <= 5 => 5, _ => 10 };
        return (int)Math.Max(1, Math.Round(step * magnitude));
    }
}
