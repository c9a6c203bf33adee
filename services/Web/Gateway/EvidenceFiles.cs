using Grpc.Core;
using Grpc.Net.Client;
using Logistics.Doa.V1;
using Logistics.Web.Auth;

namespace Logistics.Web.Gateway;

/// <summary>
/// A claim's evidence files for the browser (thumbnails and downloads): the console reads the file through the gateway
/// with the user's token (which never leaves the server) and answers it with the content type the service read from the
/// content; <c>?download=true</c> adds the file's name as an attachment.
/// </summary>
public static class EvidenceFiles
{
    public static string Url(string claimId, string evidenceId, bool download = false) =>
        $"/doa-claims/{Uri.EscapeDataString(claimId)}/evidence/{Uri.EscapeDataString(evidenceId)}" + (download ? "?download=true" : "");

    public static void MapEvidenceFiles(this WebApplication app) =>
        app.MapGet("/doa-claims/{claimId}/evidence/{evidenceId}", async (HttpContext http, string claimId, string evidenceId, bool? download, GrpcChannel channel, TimeProvider clock) =>
        {
            if (Session.From(http.User) is not { } session) return Results.Unauthorized();
            var client = new DoaClaimsService.DoaClaimsServiceClient(channel);
            var options = new CallOptions(new Metadata { { "authorization", "Bearer " + session.Token } }, clock.GetUtcNow().UtcDateTime.AddSeconds(30),
                http.RequestAborted);
            try
            {
                var claim = await client.GetDoaClaimAsync(new GetDoaClaimRequest { ClaimId = claimId }, options);
                if (claim.Evidence.FirstOrDefault(e => e.EvidenceId == evidenceId) is not { } file) return Results.NotFound();
                var body = await client.GetEvidenceFileAsync(new GetEvidenceFileRequest { ClaimId = claimId, EvidenceId = evidenceId }, options);
                return Results.File(body.Data.ToByteArray(), body.ContentType, download == true ? file.FileName : null);
            }
            catch (RpcException e)
            {
                return e.StatusCode switch
                {
                    StatusCode.NotFound => Results.NotFound(),
                    StatusCode.PermissionDenied => Results.Forbid(),
                    StatusCode.InvalidArgument => Results.BadRequest(),
                    _ => Results.StatusCode(StatusCodes.Status502BadGateway),
                };
            }
        }).RequireAuthorization();
}
