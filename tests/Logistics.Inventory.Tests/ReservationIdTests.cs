using Logistics.Inventory.Domain;

namespace Logistics.Inventory.Tests;

/// <summary>A part request's reservation is told apart from one made through the API: only the first is announced to requests.</summary>
public sealed class ReservationIdTests
{
    [Fact]
    public void A_requests_reservation_is_recognised_and_an_api_reservation_is_not()
    {
        Assert.True(ReservationIds.IsForRequest(ReservationIds.ForRequest("PR-1")));
        Assert.False(ReservationIds.IsForRequest(ReservationIds.New("C-1", "key-1")));
        Assert.Equal(ReservationIds.ForRequest("PR-1"), ReservationIds.ForRequest("PR-1")); // every delivery names the same one
        Assert.NotEqual(ReservationIds.ForRequest("PR-1"), ReservationIds.ForRequest("PR-2"));
    }
}
