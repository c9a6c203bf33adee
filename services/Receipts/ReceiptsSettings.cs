using System.ComponentModel.DataAnnotations;
using Logistics.Hosting.Settings;
using Logistics.Receipts.Domain;

namespace Logistics.Receipts;

/// <summary>
/// Configuration section "Receipts": the numbers of <see cref="ReceiptPolicy"/> and <see cref="TransitPolicy"/> a
/// deployment may change (Receipts__ProblemReportWindow, Receipts__MaxNoteLength, Receipts__TransitGracePeriod,
/// Receipts__TransitScanInterval, Receipts__TransferTransitAllowance). Left out, the domain's defaults apply; a value out of range stops the service at start.
/// </summary>
public sealed class ReceiptsSettings : IServiceSettings, IValidatableObject
{
    public static string Section => "Receipts";

    public TimeSpan ProblemReportWindow { get; set; } = ReceiptPolicy.Default.ProblemReportWindow;

    [Range(1, int.MaxValue)]
    public int MaxNoteLength { get; set; } = ReceiptPolicy.Default.MaxNoteLength;

    public TimeSpan TransitGracePeriod { get; set; } = TransitPolicy.Default.GracePeriod;

    public TimeSpan TransitScanInterval { get; set; } = TransitPolicy.Default.ScanInterval;

    public TimeSpan TransferTransitAllowance { get; set; } = TransitPolicy.Default.TransferTransitAllowance;

    public ReceiptPolicy Policy => ReceiptPolicy.Default with { ProblemReportWindow = ProblemReportWindow, MaxNoteLength = MaxNoteLength };

    public TransitPolicy Transit => TransitPolicy.Default with { GracePeriod = TransitGracePeriod, ScanInterval = TransitScanInterval, TransferTransitAllowance = TransferTransitAllowance };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ProblemReportWindow < TimeSpan.Zero)
            yield return new ValidationResult($"{Section}:{nameof(ProblemReportWindow)} must not be negative", [nameof(ProblemReportWindow)]);
        if (TransitGracePeriod < TimeSpan.Zero)
            yield return new ValidationResult($"{Section}:{nameof(TransitGracePeriod)} must not be negative", [nameof(TransitGracePeriod)]);
        if (TransitScanInterval <= TimeSpan.Zero)
            yield return new ValidationResult($"{Section}:{nameof(TransitScanInterval)} must be more than zero", [nameof(TransitScanInterval)]);
        if (TransferTransitAllowance <= TimeSpan.Zero)
            yield return new ValidationResult($"{Section}:{nameof(TransferTransitAllowance)} must be more than zero", [nameof(TransferTransitAllowance)]);
    }
}
