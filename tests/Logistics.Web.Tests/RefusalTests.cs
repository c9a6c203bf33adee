using Grpc.Core;
using Logistics.Web.Components.Shared;
using Logistics.Web.Gateway;

namespace Logistics.Web.Tests;

/// <summary>
/// A refusal as the console shows it: next to the field it names, only what is wrong (the field's label says which
/// field); in the summary above the form, the field in words first.
/// </summary>
public sealed class RefusalTests
{
    private static Refusal Refused(string detail) => Refusal.From(new RpcException(new Status(StatusCode.InvalidArgument, detail)));

    [Theory]
    [InlineData("quantity: must be greater than zero (was 0)", "quantity", "Quantity", "must be greater than zero (was 0)")]
    [InlineData("fault_tag.serial: 'X' does not match the unit", "fault_tag.serial", "Fault tag › serial", "'X' does not match the unit")]
    [InlineData("serials[0]: serial SN-1 is held by centre C-2", "serials[0]", "Serials 1", "serial SN-1 is held by centre C-2")]
    [InlineData("esd_packaging.package_id: is required", "esd_packaging.package_id", "ESD packaging › package ID", "is required")]
    public void A_refusal_naming_a_field_is_split_into_the_field_in_words_and_what_is_wrong(string detail, string field, string words, string reason)
    {
        var refusal = Refused(detail);

        Assert.Equal(field, refusal.Field);
        Assert.Equal(words, refusal.FieldWords);
        Assert.Equal(reason, refusal.Reason);
        Assert.Equal(detail, refusal.Message);
    }

    [Fact]
    public void A_refusal_naming_no_field_is_shown_whole()
    {
        var refusal = Refused("nobody approves their own count: another supervisor does");

        Assert.Null(refusal.Field);
        Assert.Null(refusal.FieldWords);
        Assert.Equal("nobody approves their own count: another supervisor does", refusal.Reason);
    }

    [Fact]
    public void Next_to_its_field_a_form_shows_only_what_is_wrong()
    {
        var errors = new FormErrors();
        errors.Refused(new RpcException(new Status(StatusCode.InvalidArgument, "packaging.sealed_with: is not a known sealing")));

        Assert.Equal("is not a known sealing", errors.For("packaging"));
        Assert.Null(errors.For("quantity"));
    }
}
