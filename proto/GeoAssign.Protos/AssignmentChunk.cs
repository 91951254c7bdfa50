namespace GeoAssign.Protos.V1;

// Readers and a builder for the column form of AssignmentChunk (see assignment.proto): answer i
// refers to its territory through territory_refs[i], 0 meaning none and k meaning territories[k - 1].
public sealed partial class AssignmentChunk
{
    /// <summary>Number of answers in the chunk (the length of <see cref="TerritoryRefs"/>).</summary>
    public int Count => TerritoryRefs.Count;

    /// <summary>
    /// The territory that answers point <paramref name="index"/>, or <see langword="null"/> when no
    /// territory covers it. Allocates nothing.
    /// </summary>
    /// <param name="index">Zero-based position of the point in the chunk.</param>
    /// <exception cref="InvalidDataException">The chunk refers to a territory it does not list.</exception>
    public AssignedTerritory? GetTerritory(int index)
    {
        var reference = TerritoryRefs[index];
        if (reference == 0)
        {
            return null;
        }

        if (reference > (uint)Territories.Count)
        {
            throw new InvalidDataException(
                $"Answer {index} refers to territory {reference} but the chunk lists {Territories.Count}.");
        }

        return Territories[(int)reference - 1];
    }

    /// <summary>
    /// The answer for point <paramref name="index"/> as a stand-alone <see cref="Assignment"/>
    /// (allocates; hot loops read <see cref="GetTerritory"/> and <see cref="Reasons"/> instead).
    /// </summary>
    /// <param name="index">Zero-based position of the point in the chunk.</param>
    /// <exception cref="InvalidDataException">The chunk's columns disagree.</exception>
    public Assignment GetAssignment(int index)
    {
        if (Reasons.Count != TerritoryRefs.Count)
        {
            throw new InvalidDataException(
                $"The chunk has {TerritoryRefs.Count} territory references but {Reasons.Count} reasons.");
        }

        var assignment = new Assignment
        {
            Layer = Layer,
            MapVersion = MapVersion,
            Reason = Reasons[index],
        };
        var territory = GetTerritory(index);
        if (territory is not null)
        {
            assignment.TerritoryId = territory.TerritoryId;
            assignment.OwnerId = territory.OwnerId;
            assignment.AncestorIds.Add(territory.AncestorIds);
        }

        // An override decided the owner: the same answer Resolve gives for the point with its account.
        if (GetOverride(index) is { } overriding)
        {
            assignment.TerritoryOwnerId = assignment.OwnerId;
            assignment.OwnerId = overriding.OwnerId;
            assignment.OverrideTerritoryId = overriding.TerritoryId;
            assignment.OverrideProtected = overriding.Protected;
        }

        return assignment;
    }

    /// <summary>
    /// The account override that decided point <paramref name="index"/>'s owner, or <see langword="null"/>
    /// when none did. Allocates nothing.
    /// </summary>
    /// <param name="index">Zero-based position of the point in the chunk.</param>
    /// <exception cref="InvalidDataException">The chunk refers to an override it does not list.</exception>
    public OverrideAnswer? GetOverride(int index)
    {
        if (OverrideRefs.Count == 0)
        {
            return null;
        }

        if (OverrideRefs.Count != TerritoryRefs.Count)
        {
            throw new InvalidDataException(
                $"The chunk has {TerritoryRefs.Count} territory references but {OverrideRefs.Count} override references.");
        }

        var reference = OverrideRefs[index];
        if (reference == 0)
        {
            return null;
        }

        if (reference > (uint)Overrides.Count)
        {
            throw new InvalidDataException(
                $"Answer {index} refers to override {reference} but the chunk lists {Overrides.Count}.");
        }

        return Overrides[(int)reference - 1];
    }

    /// <summary>
    /// The gazetteer entry whose point answered postal-code row <paramref name="index"/>, or <see langword="null"/>
    /// for a point row and for a code the gazetteer does not know (reason <see cref="Reason.PostalCodeNotFound"/>).
    /// Allocates nothing.
    /// </summary>
    /// <param name="index">Zero-based position of the row in the chunk.</param>
    /// <exception cref="InvalidDataException">The chunk refers to a location it does not list.</exception>
    public PostalCodeLocation? GetLocation(int index)
    {
        if (LocationRefs.Count == 0)
        {
            return null;
        }

        if (LocationRefs.Count != TerritoryRefs.Count)
        {
            throw new InvalidDataException(
                $"The chunk has {TerritoryRefs.Count} territory references but {LocationRefs.Count} location references.");
        }

        var reference = LocationRefs[index];
        if (reference == 0)
        {
            return null;
        }

        if (reference > (uint)Locations.Count)
        {
            throw new InvalidDataException(
                $"Answer {index} refers to location {reference} but the chunk lists {Locations.Count}.");
        }

        return Locations[(int)reference - 1];
    }
}
