// A balanced redistricting proposal: what to ask for, how it is getting on, and what was written.
namespace GeoAssign.Client;

/// <summary>An owner to draw a territory for. Immutable.</summary>
/// <param name="OwnerId">The owner.</param>
/// <param name="TerritoryId">The territory's id; <see langword="null"/>: the owner id.</param>
/// <param name="Capacity">Relative capacity (target weight share = capacity / Σ capacities); 1 for equal shares.</param>
/// <param name="HomeLat">Latitude of the owner's home base, or <see langword="null"/>.</param>
/// <param name="HomeLng">Longitude of the owner's home base, or <see langword="null"/>.</param>
public sealed record ProposalOwner(string OwnerId, string? TerritoryId = null, double Capacity = 1, double? HomeLat = null, double? HomeLng = null);

/// <summary>
/// What <see cref="GeoAssignClient.ProposePlanAsync(PlanProposalRequest, IAsyncEnumerable{BalanceAccount}, IProgress{ProposalProgressReport}?, CancellationToken)"/>
/// asks for. Give <see cref="BlocksLayer"/> or <see cref="H3Resolution"/>, and <see cref="TerritoryCount"/> or <see cref="Owners"/>. Immutable.
/// </summary>
/// <param name="Name">The new plan's name.</param>
public sealed record PlanProposalRequest(string Name)
{
    /// <summary>Blocks: the territories of this live layer.</summary>
    public string? BlocksLayer { get; init; }

    /// <summary>Blocks: the H3 cells of this resolution (1 to 15) whose centre lies in the coverage area.</summary>
    public int? H3Resolution { get; init; }

    /// <summary>H3 coverage: this territory's area.</summary>
    public string? CoverageTerritoryId { get; init; }

    /// <summary>H3 coverage: the union of this layer's live territories (default: the output layer's).</summary>
    public string? CoverageLayer { get; init; }

    /// <summary>Draw this many territories (ids and owners "NAME-1", ...).</summary>
    public int? TerritoryCount { get; init; }

    /// <summary>Draw one territory per owner.</summary>
    public IReadOnlyList<ProposalOwner> Owners { get; init; } = [];

    /// <summary>Block ids or proposed territory ids that keep their blocks.</summary>
    public IReadOnlyList<string> Locks { get; init; } = [];

    /// <summary>Largest share (0..1) of accounts whose owner may change; <see langword="null"/>: no cap.</summary>
    public double? MaxMovedShare { get; init; }

    /// <summary>Search time; <see langword="null"/>: the server's default (30 s).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Seed of the search.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Objective weights (balance, compactness, disruption); <see langword="null"/>: the server's (1, 0.1, 0.1).</summary>
    public (double Balance, double Compactness, double Disruption)? Objective { get; init; }

    /// <summary>The layer the proposed territories go to; <see langword="null"/>: "geo".</summary>
    public string? OutputLayer { get; init; }

    /// <summary>Also run the k-means baseline and report its figures.</summary>
    public bool IncludeBaseline { get; init; } = true;

    /// <summary>Why: recorded with the plan.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// Divide blocks heavier than <see cref="SplitShare"/> of the smallest target into sub-blocks (H3 cells clipped to
    /// the block) before the search: <see langword="true"/> always, <see langword="false"/> never, <see langword="null"/>:
    /// the server divides only when a block outweighs a whole target.
    /// </summary>
    public bool? SplitHeavyBlocks { get; init; }

    /// <summary>The share of the target above which a block is divided; <see langword="null"/>: the server's (0.5).</summary>
    public double? SplitShare { get; init; }

    /// <summary>Relative deviation from target the compactness polish may spend; <see langword="null"/>: the server's (0.05).</summary>
    public double? BalanceTolerance { get; init; }

    /// <summary>Skip the compactness polish.</summary>
    public bool SkipPolish { get; init; }

    /// <summary>Block visits after which the search stops (deterministic); <see langword="null"/>: 1,000 per block.</summary>
    public long? IterationBudget { get; init; }
}

/// <summary>A block divided into sub-blocks before the search. Immutable.</summary>
/// <param name="BlockId">The block's id.</param>
/// <param name="Name">The layer territory's name, or empty for an H3 block.</param>
/// <param name="Weight">Its accounts' weight.</param>
/// <param name="Targets">That weight over the smallest target.</param>
/// <param name="Parts">Sub-blocks it became.</param>
/// <param name="Resolution">H3 resolution of the cells it was cut along.</param>
/// <param name="HeaviestPartWeight">Weight of its heaviest sub-block.</param>
/// <param name="TerritoryIds">The proposed territories holding its sub-blocks (more than one: the block is shared).</param>
public sealed record ProposalSplitBlock(string BlockId, string Name, double Weight, double Targets, int Parts, int Resolution, double HeaviestPartWeight,
    IReadOnlyList<string> TerritoryIds);

/// <summary>How a proposal is getting on. Immutable value.</summary>
/// <param name="Phase">"blocks", "baseline", "seeding", "growing", "improving", "polishing", "done", "writing".</param>
/// <param name="Iteration">Improvement steps so far.</param>
/// <param name="Elapsed">Time since the server started on it.</param>
/// <param name="MaxDeviation">Largest relative deviation from the target weight in the best plan so far.</param>
/// <param name="Score">Objective of the best plan so far (lower is better).</param>
public readonly record struct ProposalProgressReport(string Phase, long Iteration, TimeSpan Elapsed, double MaxDeviation, double Score);

/// <summary>The figures of one territory of an assignment. Immutable.</summary>
public sealed record ProposalTerritoryFigures(string TerritoryId, string OwnerId, double Weight, long AccountCount, double Target, double Deviation,
    int BlockCount, bool Contiguous, double MeanDistanceKm, double AreaKm2);

/// <summary>Balance, compactness, disruption and contiguity of one assignment (proposal, baseline or today's). Immutable.</summary>
public sealed record ProposalFigures(IReadOnlyList<ProposalTerritoryFigures> Territories, double MaxDeviation, double MaxDeviationLowerBound,
    double CoefficientOfVariation, double CompactnessKm, long MovedAccounts, double MovedShare, double MovedWeight, bool AllContiguous);

/// <summary>What ProposePlan wrote and how good it is (see plans.proto, ProposalOutcome). Immutable.</summary>
public sealed record PlanProposal(
    Plan Plan,
    string OutputLayer,
    ProposalFigures Figures,
    ProposalFigures? Baseline,
    ProposalFigures? Current,
    string StopReason,
    long Iterations,
    TimeSpan Elapsed,
    int BlockCount,
    long AccountCount,
    long PlacedCount,
    long OutsideCount,
    IReadOnlyList<string> OutsideAccountIds,
    long PinnedCount,
    long PinnedElsewhereCount,
    int CreatedCount,
    int ReplacedCount,
    int DeletedCount,
    IReadOnlyList<string> SwallowedBlockIds)
{
    /// <summary>Blocks divided into sub-blocks before the search, in block order (empty when none was).</summary>
    public IReadOnlyList<ProposalSplitBlock> SplitBlocks { get; init; } = [];

    /// <summary>The weight above which a block was divided; 0 when none was.</summary>
    public double SplitLimit { get; init; }
}
