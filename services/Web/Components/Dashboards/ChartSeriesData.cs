namespace Logistics.Web.Components.Dashboards;

/// <summary>The kinds of chart a dashboard panel draws.</summary>
public enum ChartKind
{
    Bar,
    Line,
    Donut,
}

/// <summary>One named series of values, one value per label of the panel.</summary>
public sealed record ChartSeriesData(string Name, IReadOnlyList<double> Values);
