// Resolve answers the same assignment every time; the other methods stay unimplemented.
using GeoAssign.Protos.V1;
using Grpc.Core;

namespace GeoAssign.MinimalGrpc;

/// <summary>
/// Answers every Resolve with one fixed response: GeoAssign's answer for compare.sh's point (Denver
/// County in compare.sh's map: territory, owner, layer, version, reason), doing no work of its own,
/// so that a load test of it measures only grpc-dotnet and Kestrel. Stateless and thread-safe.
/// </summary>
internal sealed class FixedAssignmentService : AssignmentService.AssignmentServiceBase
{
    private static readonly ResolveResponse Answer = new()
    {
        Assignment = new Assignment
        {
            TerritoryId = "08031",
            OwnerId = "rep-383",
            Layer = "geo",
            MapVersion = 1,
            Reason = Reason.InteriorCell,
        },
    };

    public override Task<ResolveResponse> Resolve(ResolveRequest request, ServerCallContext context) => Task.FromResult(Answer);
}
