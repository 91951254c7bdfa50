// What kind of thing is wrong with an input territory, map or change.
namespace GeoAssign.Index.Validation;

/// <summary>What is wrong. The gRPC layer maps <see cref="TooManyVertices"/>,
/// <see cref="TooManyTerritories"/>, <see cref="TooManyVerticesInMap"/>, <see cref="FeatureTooLarge"/> and
/// <see cref="AttributesTooLarge"/> to <c>RESOURCE_EXHAUSTED</c>; <see cref="UnknownParent"/>,
/// <see cref="DeletedParent"/> and <see cref="IdInOtherLayer"/> (the map, not the input, is in the way)
/// to <c>FAILED_PRECONDITION</c>; <see cref="UnknownDelete"/> to <c>NOT_FOUND</c>; the others to
/// <c>INVALID_ARGUMENT</c>.</summary>
public enum ValidationProblemKind
{
    /// <summary>
    /// The input is not well-formed JSON (including text that is not UTF-8, a <c>\u</c> escape of half a
    /// surrogate pair, and comments), or not a GeoJSON FeatureCollection (e.g. one with two <c>features</c>).
    /// </summary>
    MalformedJson,

    /// <summary>A feature is not a GeoJSON Feature object, or gives <c>type</c>, <c>id</c>, <c>geometry</c> or <c>properties</c> twice.</summary>
    MalformedFeature,

    /// <summary>A feature has neither a feature <c>id</c> nor an <c>id</c> property, or the id is empty.</summary>
    MissingId,

    /// <summary>The feature <c>id</c> and the <c>id</c> property disagree.</summary>
    ConflictingId,

    /// <summary>A reserved property has the wrong JSON type, e.g. <c>"priority": "high"</c>.</summary>
    WrongPropertyType,

    /// <summary>A property name appears twice in one feature.</summary>
    DuplicateProperty,

    /// <summary>An attribute uses a reserved name (<c>id</c>, <c>name</c>, <c>owner_id</c>, <c>layer</c>, <c>priority</c>, <c>parent_id</c>).</summary>
    ReservedAttribute,

    /// <summary>A territory has no <c>owner_id</c>.</summary>
    MissingOwner,

    /// <summary>A layer name is empty or breaks <see cref="Model.TerritoryNames"/>' rules.</summary>
    InvalidLayer,

    /// <summary>An id, owner id, layer or parent id is longer than <see cref="ValidationOptions.MaxIdLength"/>.</summary>
    IdTooLong,

    /// <summary>Two territories have the same id.</summary>
    DuplicateId,

    /// <summary>A parent id names no territory of the map (after the change).</summary>
    UnknownParent,

    /// <summary>Following parent ids leads back to where it started.</summary>
    ParentCycle,

    /// <summary>A chain of parents is deeper than <see cref="ValidationOptions.MaxParentDepth"/>.</summary>
    HierarchyTooDeep,

    /// <summary>A change deletes a territory that a remaining territory names as its parent.</summary>
    DeletedParent,

    /// <summary>A change deletes an id that is not in the map.</summary>
    UnknownDelete,

    /// <summary>A change both upserts and deletes the same id.</summary>
    UpsertAndDelete,

    /// <summary>A feature has no geometry (missing or null).</summary>
    MissingGeometry,

    /// <summary>The geometry is not valid GeoJSON (e.g. a position that is not an array of numbers, a type that is not exactly a GeoJSON type name, a member given twice).</summary>
    MalformedGeometry,

    /// <summary>The geometry is not a Polygon or MultiPolygon.</summary>
    UnsupportedGeometryType,

    /// <summary>The geometry, or one polygon of a MultiPolygon, is empty.</summary>
    EmptyGeometry,

    /// <summary>A coordinate is NaN or infinite.</summary>
    CoordinateNotFinite,

    /// <summary>A latitude is outside [-90, 90] or a longitude outside [-180, 180].</summary>
    CoordinateOutOfRange,

    /// <summary>A ring's last position differs from its first.</summary>
    RingNotClosed,

    /// <summary>A ring has fewer than four positions.</summary>
    RingTooShort,

    /// <summary>A ring has an edge spanning more than 180° of longitude: it crosses the antimeridian without being split.</summary>
    AntimeridianCrossing,

    /// <summary>NTS <c>IsValidOp</c> rejects the geometry (self-intersection, hole outside shell, …).</summary>
    InvalidGeometry,

    /// <summary>The geometry is invalid and, repaired as the import was asked to, has no area left (e.g. a ring collapsed to a line by coordinate rounding).</summary>
    NoAreaAfterRepair,

    /// <summary>A territory has more vertices than <see cref="ValidationOptions.MaxVerticesPerTerritory"/>.</summary>
    TooManyVertices,

    /// <summary>The map has more territories than <see cref="ValidationOptions.MaxTerritoriesPerMap"/>.</summary>
    TooManyTerritories,

    /// <summary>The map has more vertices than <see cref="ValidationOptions.MaxVerticesPerMap"/>.</summary>
    TooManyVerticesInMap,

    /// <summary>One GeoJSON feature is larger than <see cref="GeoJson.GeoJsonReadOptions.MaxFeatureBytes"/>.</summary>
    FeatureTooLarge,

    /// <summary>An id breaks <see cref="Model.TerritoryNames"/>' rules (e.g. a control character).</summary>
    InvalidId,

    /// <summary>A feature of an import that replaces one layer names another layer.</summary>
    LayerMismatch,

    /// <summary>A territory's attributes are larger than the host allows.</summary>
    AttributesTooLarge,

    /// <summary>An imported id belongs to a territory of another layer in the map (ids are unique across layers).</summary>
    IdInOtherLayer,

    /// <summary>
    /// An attribute cannot be stored as given: it has an empty name, a number beyond the range of a
    /// double, an object with a key given twice, or nesting deeper than <see cref="Model.TerritoryAttributes.MaxDepth"/>.
    /// </summary>
    InvalidAttribute,

    /// <summary>A change names a plan that does not exist.</summary>
    UnknownPlan,

    /// <summary>A change creates a plan whose name is taken.</summary>
    PlanExists,

    /// <summary>A change edits a plan that was activated (activated plans are read-only), or activates it again.</summary>
    PlanClosed,

    /// <summary>A plan name breaks <see cref="Model.TerritoryNames.PlanProblem"/>'s rules.</summary>
    InvalidPlanName,

    /// <summary>An account override is malformed (its account id, owner, validity window or reason), or set twice in one change.</summary>
    InvalidOverride,

    /// <summary>An account override counts toward a territory that the map (after the change) does not have.</summary>
    UnknownOverrideTerritory,
}
