using System.Text.RegularExpressions;
using ZXing;
using ZXing.Common;
using ZXing.Rendering;

namespace Logistics.Web.Printing;

/// <summary>
/// Code 128 barcodes as inline SVG, encoded and drawn by ZXing.Net's SVG renderer (no System.Drawing, no image files):
/// a scanner reads serials and ids as typed, letters and digits alike.
/// </summary>
public static partial class Barcodes
{
    /// <summary>The SVG element of <paramref name="value"/>'s barcode, scaled by CSS (viewBox in modules, crisp edges).</summary>
    public static string Code128Svg(string value)
    {
        var writer = new BarcodeWriter<SvgRenderer.SvgImage>
        {
            Format = BarcodeFormat.CODE_128,
            Renderer = new SvgRenderer(),
            // One unit per module, a quiet zone of 10 modules each side; the page sets the printed size.
            Options = new EncodingOptions { Height = 40, Margin = 10, PureBarcode = true },
        };
        var matrix = writer.Encode(value);
        var svg = writer.Write(value).Content;
        svg = svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
        // The renderer sizes the image in pixels; the page sizes it in millimetres, so the drawing gets a viewBox instead.
        var tagEnd = svg.IndexOf('>', StringComparison.Ordinal);
        var tag = SizeAttributes().Replace(svg[..tagEnd], "");
        return tag.Replace("<svg", $"<svg viewBox=\"0 0 {matrix.Width} {matrix.Height}\" preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" focusable=\"false\" aria-hidden=\"true\"", StringComparison.Ordinal)
            + svg[tagEnd..];
    }

    [GeneratedRegex(@"\s(?:width|height)=""[^""]*""")]
    private static partial Regex SizeAttributes();
}
