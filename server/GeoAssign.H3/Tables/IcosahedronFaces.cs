// The 20 faces of the icosahedron H3 projects onto: centres, axis orientation and adjacency.
namespace GeoAssign.H3.Tables;

/// <summary>
/// Numeric facts of the H3 grid's icosahedron (H3 specification, Apache-2.0, see NOTICE).
/// The values are data, not algorithm; the tests check them against h3-js.
/// </summary>
internal static class IcosahedronFaces
{
    public const int Count = 20;

    /// <summary>Quadrant numbers used for face adjacency: the face across the IJ, KI and JK edges.</summary>
    public const int IJ = 1, KI = 2, JK = 3;

    /// <summary>Face centres, latitude then longitude in radians.</summary>
    public static ReadOnlySpan<double> CenterGeo =>
    [
        0.803582649718989942, 1.248397419617396099,
        1.307747883455638156, 2.536945009877921159,
        1.054751253523952054, -1.347517358900396623,
        0.600191595538186799, -0.450603909469755746,
        0.491715428198773866, 0.401988202911306943,
        0.172745327415618701, 1.678146885280433686,
        0.605929321571350690, 2.953923329812411617,
        0.427370518328979641, -1.888876200336285401,
        -0.079066118549212831, -0.733429513380867741,
        -0.230961644455383637, 0.506495587332349035,
        0.079066118549212831, 2.408163140208925497,
        0.230961644455383637, -2.635097066257444203,
        -0.172745327415618701, -1.463445768309359553,
        -0.605929321571350690, -0.187669323777381622,
        -0.427370518328979641, 1.252716453253507838,
        -0.600191595538186799, 2.690988744120037492,
        -0.491715428198773866, -2.739604450678486295,
        -0.803582649718989942, -1.893195233972397139,
        -1.307747883455638156, -0.604647643711872080,
        -1.054751253523952054, 1.794075294689396615,
    ];

    /// <summary>Face centres as unit vectors x, y, z.</summary>
    public static ReadOnlySpan<double> CenterPoint =>
    [
        0.2199307791404606, 0.6583691780274996, 0.7198475378926182,
        -0.2139234834501421, 0.1478171829550703, 0.9656017935214205,
        0.1092625278784797, -0.4811951572873210, 0.8697775121287253,
        0.7428567301586791, -0.3593941678278028, 0.5648005936517033,
        0.8112534709140969, 0.3448953237639384, 0.4721387736413930,
        -0.1055498149613921, 0.9794457296411413, 0.1718874610009365,
        -0.8075407579970092, 0.1533552485898818, 0.5695261994882688,
        -0.2846148069787907, -0.8644080972654206, 0.4144792552473539,
        0.7405621473854482, -0.6673299564565524, -0.0789837646326737,
        0.8512303986474293, 0.4722343788582681, -0.2289137388687808,
        -0.7405621473854481, 0.6673299564565524, 0.0789837646326737,
        -0.8512303986474292, -0.4722343788582682, 0.2289137388687808,
        0.1055498149613919, -0.9794457296411413, -0.1718874610009365,
        0.8075407579970092, -0.1533552485898819, -0.5695261994882688,
        0.2846148069787908, 0.8644080972654204, -0.4144792552473539,
        -0.7428567301586791, 0.3593941678278027, -0.5648005936517033,
        -0.8112534709140971, -0.3448953237639382, -0.4721387736413930,
        -0.2199307791404607, -0.6583691780274996, -0.7198475378926182,
        0.2139234834501420, -0.1478171829550704, -0.9656017935214205,
        -0.1092625278784796, 0.4811951572873210, -0.8697775121287253,
    ];

    /// <summary>Azimuth in radians from each face centre to its Class II i-axis (vertex 0).</summary>
    public static ReadOnlySpan<double> AxisAzimuthCII =>
    [
        5.619958268523939882, 5.760339081714187279, 0.780213654393430055, 0.430469363979999913,
        6.130269123335111400, 2.692877706530642877, 2.982963003477243874, 3.532912002790141181,
        3.494305004259568154, 3.003214169499538391, 5.930472956509811562, 0.138378484090254847,
        0.448714947059150361, 0.158629650112549365, 5.891865957979238535, 2.711123289609793325,
        3.294508837434268316, 3.804819692245439833, 3.664438879055192436, 2.361378999196363184,
    ];

    /// <summary>
    /// The face across each edge of each face: for face f and quadrant q (IJ, KI, JK) the entry at
    /// f * 4 + q is the neighbouring face, the translation of the origin (in resolution-0 Class II
    /// units) and the 60° counter-clockwise rotations into its coordinate system. Quadrant 0 is the face itself.
    /// </summary>
    public static readonly FaceOrientation[] Neighbors = BuildNeighbors();

    /// <summary>Quadrant (IJ, KI, JK) of face g as seen from face f at f * 20 + g, or -1 when they do not share an edge; 0 on the diagonal.</summary>
    public static readonly sbyte[] AdjacentDirection = BuildAdjacency();

    private static FaceOrientation[] BuildNeighbors()
    {
        // Neighbouring faces across IJ, KI, JK for each face.
        ReadOnlySpan<byte> across =
        [
            4, 1, 5, 0, 2, 6, 1, 3, 7, 2, 4, 8, 3, 0, 9,
            10, 14, 0, 11, 10, 1, 12, 11, 2, 13, 12, 3, 14, 13, 4,
            5, 6, 15, 6, 7, 16, 7, 8, 17, 8, 9, 18, 9, 5, 19,
            16, 19, 10, 17, 15, 11, 18, 16, 12, 19, 17, 13, 15, 18, 14,
        ];
        var table = new FaceOrientation[Count * 4];
        for (int f = 0; f < Count; f++)
        {
            table[f * 4] = new FaceOrientation(f, new CoordIjk(0, 0, 0), 0);
            bool polarRow = f < 5 || f >= 15;
            // The polar faces (0-4, 15-19) and the equatorial faces (5-14) each share one pattern.
            var ij = polarRow ? new FaceOrientation(across[f * 3], new CoordIjk(2, 0, 2), 1) : new FaceOrientation(across[f * 3], new CoordIjk(2, 2, 0), 3);
            var ki = polarRow ? new FaceOrientation(across[f * 3 + 1], new CoordIjk(2, 2, 0), 5) : new FaceOrientation(across[f * 3 + 1], new CoordIjk(2, 0, 2), 3);
            var jk = new FaceOrientation(across[f * 3 + 2], new CoordIjk(0, 2, 2), 3);
            table[f * 4 + IJ] = ij;
            table[f * 4 + KI] = ki;
            table[f * 4 + JK] = jk;
        }
        return table;
    }

    private static sbyte[] BuildAdjacency()
    {
        var table = new sbyte[Count * Count];
        table.AsSpan().Fill(-1);
        for (int f = 0; f < Count; f++)
        {
            table[f * Count + f] = 0;
            for (int q = IJ; q <= JK; q++)
            {
                table[f * Count + Neighbors[f * 4 + q].Face] = (sbyte)q;
            }
        }
        return table;
    }
}

/// <summary>A face and the transform from a neighbouring face's coordinates into it.</summary>
internal readonly record struct FaceOrientation(int Face, CoordIjk Translate, int CcwRotations);
