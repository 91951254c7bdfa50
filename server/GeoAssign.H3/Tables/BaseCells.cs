// The 122 resolution-0 base cells: where each sits on the icosahedron, and how they connect.
namespace GeoAssign.H3.Tables;

/// <summary>
/// Numeric facts of the H3 grid's base cells (H3 specification, Apache-2.0, see NOTICE).
/// The values are data, not algorithm; the tests check them against h3-js.
/// </summary>
internal static class BaseCells
{
    public const int Count = 122;
    public const int Invalid = 127;

    /// <summary>Home face of each base cell.</summary>
    public static readonly byte[] HomeFace = new byte[Count];

    /// <summary>Home i, j, k coordinates (resolution 0, on the home face) of each base cell.</summary>
    public static readonly CoordIjk[] HomeIjk = new CoordIjk[Count];

    /// <summary>Whether each base cell is one of the 12 pentagons.</summary>
    public static readonly bool[] IsPentagon = new bool[Count];

    /// <summary>For pentagons, the two faces on which the deleted K sub-sequence is left by a clockwise rotation (-1 where none).</summary>
    public static readonly sbyte[] ClockwiseOffsetFace = new sbyte[Count * 2];

    /// <summary>Base cell at face f, resolution-0 coordinates (i, j, k) each 0..2, at f * 27 + i * 9 + j * 3 + k.</summary>
    public static readonly byte[] AtFaceIjk = new byte[IcosahedronFaces.Count * 27];

    /// <summary>60° counter-clockwise rotations from the face's coordinate system into that base cell's, same layout as <see cref="AtFaceIjk"/>.</summary>
    public static readonly byte[] RotationsAtFaceIjk = new byte[IcosahedronFaces.Count * 27];

    /// <summary>Neighbouring base cell in each of the 7 directions, at cell * 7 + direction (<see cref="Invalid"/> where none).</summary>
    public static readonly byte[] Neighbor = new byte[Count * 7];

    /// <summary>60° counter-clockwise rotations into the neighbour's coordinate system, same layout as <see cref="Neighbor"/>.</summary>
    public static readonly sbyte[] NeighborRotations = new sbyte[Count * 7];

    // face, i, j, k, pentagon, clockwise-offset faces — one base cell per line, in base-cell order.
    private const string CellData = """
        1 1 0 0 0 -1 -1|2 1 1 0 0 -1 -1|1 0 0 0 0 -1 -1|2 1 0 0 0 -1 -1|0 2 0 0 1 -1 -1|1 1 1 0 0 -1 -1|1 0 0 1 0 -1 -1|2 0 0 0 0 -1 -1|
        0 1 0 0 0 -1 -1|2 0 1 0 0 -1 -1|1 0 1 0 0 -1 -1|1 0 1 1 0 -1 -1|3 1 0 0 0 -1 -1|3 1 1 0 0 -1 -1|11 2 0 0 1 2 6|4 1 0 0 0 -1 -1|
        0 0 0 0 0 -1 -1|6 0 1 0 0 -1 -1|0 0 0 1 0 -1 -1|2 0 1 1 0 -1 -1|7 0 0 1 0 -1 -1|2 0 0 1 0 -1 -1|0 1 1 0 0 -1 -1|6 0 0 1 0 -1 -1|
        10 2 0 0 1 1 5|6 0 0 0 0 -1 -1|3 0 0 0 0 -1 -1|11 1 0 0 0 -1 -1|4 1 1 0 0 -1 -1|3 0 1 0 0 -1 -1|0 0 1 1 0 -1 -1|4 0 0 0 0 -1 -1|
        5 0 1 0 0 -1 -1|0 0 1 0 0 -1 -1|7 0 1 0 0 -1 -1|11 1 1 0 0 -1 -1|7 0 0 0 0 -1 -1|10 1 0 0 0 -1 -1|12 2 0 0 1 3 7|6 1 0 1 0 -1 -1|
        7 1 0 1 0 -1 -1|4 0 0 1 0 -1 -1|3 0 0 1 0 -1 -1|3 0 1 1 0 -1 -1|4 0 1 0 0 -1 -1|6 1 0 0 0 -1 -1|11 0 0 0 0 -1 -1|8 0 0 1 0 -1 -1|
        5 0 0 1 0 -1 -1|14 2 0 0 1 0 9|5 0 0 0 0 -1 -1|12 1 0 0 0 -1 -1|10 1 1 0 0 -1 -1|4 0 1 1 0 -1 -1|12 1 1 0 0 -1 -1|7 1 0 0 0 -1 -1|
        11 0 1 0 0 -1 -1|10 0 0 0 0 -1 -1|13 2 0 0 1 4 8|10 0 0 1 0 -1 -1|11 0 0 1 0 -1 -1|9 0 1 0 0 -1 -1|8 0 1 0 0 -1 -1|6 2 0 0 1 11 15|
        8 0 0 0 0 -1 -1|9 0 0 1 0 -1 -1|14 1 0 0 0 -1 -1|5 1 0 1 0 -1 -1|16 0 1 1 0 -1 -1|8 1 0 1 0 -1 -1|5 1 0 0 0 -1 -1|12 0 0 0 0 -1 -1|
        7 2 0 0 1 12 16|12 0 1 0 0 -1 -1|10 0 1 0 0 -1 -1|9 0 0 0 0 -1 -1|13 1 0 0 0 -1 -1|16 0 0 1 0 -1 -1|15 0 1 1 0 -1 -1|15 0 1 0 0 -1 -1|
        16 0 1 0 0 -1 -1|14 1 1 0 0 -1 -1|13 1 1 0 0 -1 -1|5 2 0 0 1 10 19|8 1 0 0 0 -1 -1|14 0 0 0 0 -1 -1|9 1 0 1 0 -1 -1|14 0 0 1 0 -1 -1|
        17 0 0 1 0 -1 -1|12 0 0 1 0 -1 -1|16 0 0 0 0 -1 -1|17 0 1 1 0 -1 -1|15 0 0 1 0 -1 -1|16 1 0 1 0 -1 -1|9 1 0 0 0 -1 -1|15 0 0 0 0 -1 -1|
        13 0 0 0 0 -1 -1|8 2 0 0 1 13 17|13 0 1 0 0 -1 -1|17 1 0 1 0 -1 -1|19 0 1 0 0 -1 -1|14 0 1 0 0 -1 -1|19 0 1 1 0 -1 -1|17 0 1 0 0 -1 -1|
        13 0 0 1 0 -1 -1|17 0 0 0 0 -1 -1|16 1 0 0 0 -1 -1|9 2 0 0 1 14 18|15 1 0 1 0 -1 -1|15 1 0 0 0 -1 -1|18 0 1 1 0 -1 -1|18 0 0 1 0 -1 -1|
        19 0 0 1 0 -1 -1|17 1 0 0 0 -1 -1|19 0 0 0 0 -1 -1|18 0 1 0 0 -1 -1|18 1 0 1 0 -1 -1|19 2 0 0 1 -1 -1|19 1 0 0 0 -1 -1|18 0 0 0 0 -1 -1|
        19 1 0 1 0 -1 -1|18 1 0 0 0 -1 -1
        """;

    // (base cell, rotations) for each face, i, j, k — 27 pairs per face line.
    private const string FaceIjkData = """
        16 0 18 0 24 0 33 0 30 0 32 3 49 1 48 3 50 3 8 0 5 5 10 5 22 0 16 0 18 0 41 1 33 0 30 0 4 0 0 5 2 5 15 1 8 0 5 5 31 1 22 0 16 0
        2 0 6 0 14 0 10 0 11 0 17 3 24 1 23 3 25 3 0 0 1 5 9 5 5 0 2 0 6 0 18 1 10 0 11 0 4 1 3 5 7 5 8 1 0 0 1 5 16 1 5 0 2 0
        7 0 21 0 38 0 9 0 19 0 34 3 14 1 20 3 36 3 3 0 13 5 29 5 1 0 7 0 21 0 6 1 9 0 19 0 4 2 12 5 26 5 0 1 3 0 13 5 2 1 1 0 7 0
        26 0 42 0 58 0 29 0 43 0 62 3 38 1 47 3 64 3 12 0 28 5 44 5 13 0 26 0 42 0 21 1 29 0 43 0 4 3 15 5 31 5 3 1 12 0 28 5 7 1 13 0 26 0
        31 0 41 0 49 0 44 0 53 0 61 3 58 1 65 3 75 3 15 0 22 5 33 5 28 0 31 0 41 0 42 1 44 0 53 0 4 4 8 5 16 5 12 1 15 0 22 5 26 1 28 0 31 0
        50 0 48 0 49 3 32 0 30 3 33 3 24 3 18 3 16 3 70 0 67 0 66 3 52 3 50 0 48 0 37 3 32 0 30 3 83 0 87 3 85 3 74 3 70 0 67 0 57 1 52 3 50 0
        25 0 23 0 24 3 17 0 11 3 10 3 14 3 6 3 2 3 45 0 39 0 37 3 35 3 25 0 23 0 27 3 17 0 11 3 63 0 59 3 57 3 56 3 45 0 39 0 46 3 35 3 25 0
        36 0 20 0 14 3 34 0 19 3 9 3 38 3 21 3 7 3 55 0 40 0 27 3 54 3 36 0 20 0 51 3 34 0 19 3 72 0 60 3 46 3 73 3 55 0 40 0 71 3 54 3 36 0
        64 0 47 0 38 3 62 0 43 3 29 3 58 3 42 3 26 3 84 0 69 0 51 3 82 3 64 0 47 0 76 3 62 0 43 3 97 0 89 3 71 3 98 3 84 0 69 0 96 3 82 3 64 0
        75 0 65 0 58 3 61 0 53 3 44 3 49 3 41 3 31 3 94 0 86 0 76 3 81 3 75 0 65 0 66 3 61 0 53 3 107 0 104 3 96 3 101 3 94 0 86 0 85 3 81 3 75 0
        57 0 59 0 63 3 74 0 78 3 79 3 83 3 92 3 95 3 37 0 39 3 45 3 52 0 57 0 59 0 70 3 74 0 78 3 24 0 23 3 25 3 32 3 37 0 39 3 50 3 52 0 57 0
        46 0 60 0 72 3 56 0 68 3 80 3 63 3 77 3 90 3 27 0 40 3 55 3 35 0 46 0 60 0 45 3 56 0 68 3 14 0 20 3 36 3 17 3 27 0 40 3 25 3 35 0 46 0
        71 0 89 0 97 3 73 0 91 3 103 3 72 3 88 3 105 3 51 0 69 3 84 3 54 0 71 0 89 0 55 3 73 0 91 3 38 0 47 3 64 3 34 3 51 0 69 3 36 3 54 0 71 0
        96 0 104 0 107 3 98 0 110 3 115 3 97 3 111 3 119 3 76 0 86 3 94 3 82 0 96 0 104 0 84 3 98 0 110 3 58 0 65 3 75 3 62 3 76 0 86 3 64 3 82 0 96 0
        85 0 87 0 83 3 101 0 102 3 100 3 107 3 112 3 114 3 66 0 67 3 70 3 81 0 85 0 87 0 94 3 101 0 102 3 49 0 48 3 50 3 61 3 66 0 67 3 75 3 81 0 85 0
        95 0 92 0 83 0 79 0 78 0 74 3 63 1 59 3 57 3 109 0 108 0 100 5 93 1 95 0 92 0 77 1 79 0 78 0 117 4 118 5 114 5 106 1 109 0 108 0 90 1 93 1 95 0
        90 0 77 0 63 0 80 0 68 0 56 3 72 1 60 3 46 3 106 0 93 0 79 5 99 1 90 0 77 0 88 1 80 0 68 0 117 3 109 5 95 5 113 1 106 0 93 0 105 1 99 1 90 0
        105 0 88 0 72 0 103 0 91 0 73 3 97 1 89 3 71 3 113 0 99 0 80 5 116 1 105 0 88 0 111 1 103 0 91 0 117 2 106 5 90 5 121 1 113 0 99 0 119 1 116 1 105 0
        119 0 111 0 97 0 115 0 110 0 98 3 107 1 104 3 96 3 121 0 116 0 103 5 120 1 119 0 111 0 112 1 115 0 110 0 117 1 113 5 105 5 118 1 121 0 116 0 114 1 120 1 119 0
        114 0 112 0 107 0 100 0 102 0 101 3 83 1 87 3 85 3 118 0 120 0 115 5 108 1 114 0 112 0 92 1 100 0 102 0 117 0 121 5 119 5 109 1 118 0 120 0 95 1 108 1 114 0
        """;

    // Neighbouring base cell in directions 0..6, one base cell per group.
    private const string NeighborData = """
        0 1 5 2 4 3 8|1 7 6 9 0 3 2|2 6 10 11 0 1 5|3 13 1 7 4 12 0|4 127 15 8 3 0 12|5 2 18 10 8 0 16|6 14 11 17 1 9 2|7 21 9 19 3 13 1|
        8 5 22 16 4 0 15|9 19 14 20 1 7 6|10 11 24 23 5 2 18|11 17 23 25 2 6 10|12 28 13 26 4 15 3|13 26 21 29 3 12 7|14 127 17 27 9 20 6|15 22 28 31 4 8 12|
        16 18 33 30 8 5 22|17 11 14 6 35 25 27|18 24 30 32 5 10 16|19 34 20 36 7 21 9|20 14 19 9 40 27 36|21 38 19 34 13 29 7|22 16 41 33 15 8 31|23 24 11 10 39 37 25|
        24 127 32 37 10 23 18|25 23 17 11 45 39 35|26 42 29 43 12 28 13|27 40 35 46 14 20 17|28 31 42 44 12 15 26|29 43 38 47 13 26 21|30 32 48 50 16 18 33|31 41 44 53 15 22 28|
        32 30 24 18 52 50 37|33 30 49 48 22 16 41|34 19 38 21 54 36 51|35 46 45 56 17 27 25|36 20 34 19 55 40 54|37 39 52 57 24 23 32|38 127 34 51 29 47 21|39 37 25 23 59 57 45|
        40 27 36 20 60 46 55|41 49 53 61 22 33 31|42 58 43 62 28 44 26|43 62 47 64 26 42 29|44 53 58 65 28 31 42|45 39 35 25 63 59 56|46 60 56 68 27 40 35|47 38 43 29 69 51 64|
        48 49 30 33 67 66 50|49 127 61 66 33 48 41|50 48 32 30 70 67 52|51 69 54 71 38 47 34|52 57 70 74 32 37 50|53 61 65 75 31 41 44|54 71 55 73 34 51 36|55 40 54 36 72 60 73|
        56 68 63 77 35 46 45|57 59 74 78 37 39 52|58 127 62 76 44 65 42|59 63 78 79 39 45 57|60 72 68 80 40 55 46|61 53 49 41 81 75 66|62 43 58 42 82 64 76|63 127 56 45 79 59 77|
        64 47 62 43 84 69 82|65 58 53 44 86 76 75|66 67 81 85 49 48 61|67 66 50 48 87 85 70|68 56 60 46 90 77 80|69 51 64 47 89 71 84|70 67 52 50 83 87 74|71 89 73 91 51 69 54|
        72 127 73 55 80 60 88|73 91 72 88 54 71 55|74 78 83 92 52 57 70|75 65 61 53 94 86 81|76 86 82 96 58 65 62|77 63 68 56 93 79 90|78 74 59 57 95 92 79|79 78 63 59 93 95 77|
        80 68 72 60 99 90 88|81 85 94 101 61 66 75|82 96 84 98 62 76 64|83 127 74 70 100 87 92|84 69 82 64 97 89 98|85 87 101 102 66 67 81|86 76 75 65 104 96 94|87 83 102 100 67 70 85|
        88 72 91 73 99 80 105|89 97 91 103 69 84 71|90 77 80 68 106 93 99|91 73 89 71 105 88 103|92 83 78 74 108 100 95|93 79 90 77 109 95 106|94 86 81 75 107 104 101|95 92 79 78 109 108 93|
        96 104 98 110 76 86 82|97 127 98 84 103 89 111|98 110 97 111 82 96 84|99 80 105 88 106 90 113|100 102 83 87 108 114 92|101 102 107 112 81 85 94|102 101 87 85 114 112 100|103 91 97 89 116 105 111|
        104 107 110 115 86 94 96|105 88 103 91 113 99 116|106 93 99 90 117 109 113|107 127 101 94 115 104 112|108 100 95 92 118 114 109|109 108 93 95 117 118 106|110 98 104 96 119 111 115|111 97 110 98 116 103 119|
        112 107 102 101 120 115 114|113 99 116 105 117 106 121|114 112 100 102 118 120 108|115 110 107 104 120 119 112|116 103 119 111 113 105 121|117 127 109 118 113 121 106|118 120 108 114 117 121 109|119 111 115 110 121 116 120|
        120 115 114 112 121 119 118|121 116 120 119 117 113 118
        """;

    // 60° counter-clockwise rotations into the neighbour in directions 0..6 (-1 where none).
    private const string NeighborRotationData = """
        0 5 0 0 1 5 1|0 0 1 0 1 0 1|0 0 0 0 0 5 0|0 5 0 0 2 5 1|0 -1 1 0 3 4 2|0 0 1 0 1 0 1|0 0 0 3 5 5 0|0 0 0 0 0 5 0|
        0 5 0 0 0 5 1|0 0 1 3 0 0 1|0 0 1 3 0 0 1|0 3 3 3 0 0 0|0 5 0 0 3 5 1|0 0 1 0 1 0 1|0 -1 3 0 5 2 0|0 5 0 0 4 5 1|
        0 0 0 0 0 5 0|0 3 3 3 3 0 3|0 0 0 3 5 5 0|0 3 3 3 0 0 0|0 3 3 3 0 3 0|0 0 0 3 5 5 0|0 0 1 0 1 0 1|0 3 3 3 0 3 0|
        0 -1 3 0 5 2 0|0 0 0 3 0 0 3|0 0 0 0 0 5 0|0 3 0 0 0 3 3|0 0 1 0 1 0 1|0 0 1 3 0 0 1|0 3 3 3 0 0 0|0 0 0 0 0 5 0|
        0 3 3 3 3 0 3|0 0 1 3 0 0 1|0 3 3 3 3 0 3|0 0 3 0 3 0 3|0 0 0 3 0 0 3|0 3 0 0 0 3 3|0 -1 3 0 5 2 0|0 3 0 0 3 3 0|
        0 3 0 0 3 3 0|0 0 0 3 5 5 0|0 0 0 3 5 5 0|0 3 3 3 0 0 0|0 0 1 3 0 0 1|0 0 3 0 0 3 3|0 0 0 3 0 3 0|0 3 3 3 0 3 0|
        0 3 3 3 0 3 0|0 -1 3 0 5 2 0|0 0 0 3 0 0 3|0 3 0 0 0 3 3|0 0 3 0 3 0 3|0 3 3 3 0 0 0|0 0 3 0 3 0 3|0 0 3 0 0 3 3|
        0 3 3 3 0 0 3|0 0 0 3 0 3 0|0 -1 3 0 5 2 0|0 3 3 3 3 3 0|0 3 3 3 3 3 0|0 3 3 3 3 0 3|0 3 3 3 3 0 3|0 -1 3 0 5 2 0|
        0 0 0 3 0 0 3|0 3 3 3 0 3 0|0 3 0 0 0 3 3|0 3 0 0 3 3 0|0 3 3 3 0 0 0|0 3 0 0 3 3 0|0 0 3 0 0 3 3|0 0 0 3 0 3 0|
        0 -1 3 0 5 2 0|0 3 3 3 0 0 3|0 3 3 3 0 0 3|0 0 0 3 0 0 3|0 3 0 0 0 3 3|0 0 0 3 0 5 0|0 3 3 3 0 0 0|0 0 1 3 1 0 1|
        0 0 1 3 1 0 1|0 0 3 0 3 0 3|0 0 3 0 3 0 3|0 -1 3 0 5 2 0|0 0 3 0 0 3 3|0 0 0 3 0 3 0|0 3 0 0 3 3 0|0 3 3 3 3 3 0|
        0 0 0 3 0 5 0|0 3 3 3 3 3 0|0 0 0 0 0 0 1|0 3 3 3 0 0 0|0 0 0 3 0 5 0|0 5 0 0 5 5 0|0 0 3 0 0 3 3|0 0 0 0 0 0 1|
        0 0 0 3 0 3 0|0 -1 3 0 5 2 0|0 3 3 3 0 0 3|0 5 0 0 5 5 0|0 0 1 3 1 0 1|0 3 3 3 0 0 3|0 3 3 3 0 0 0|0 0 1 3 1 0 1|
        0 3 3 3 3 3 0|0 0 0 0 0 0 1|0 0 1 0 3 5 1|0 -1 3 0 5 2 0|0 5 0 0 5 5 0|0 0 1 0 4 5 1|0 3 3 3 0 0 0|0 0 0 3 0 5 0|
        0 0 0 3 0 5 0|0 0 1 0 2 5 1|0 0 0 0 0 0 1|0 0 1 3 1 0 1|0 5 0 0 5 5 0|0 -1 1 0 3 4 2|0 0 1 0 0 5 1|0 0 0 0 0 0 1|
        0 5 0 0 5 5 0|0 0 1 0 1 5 1
        """;

    static BaseCells()
    {
        Span<int> values = stackalloc int[7];
        int cell = 0;
        foreach (var group in CellData.Split('|'))
        {
            ParseInts(group, values);
            HomeFace[cell] = (byte)values[0];
            HomeIjk[cell] = new CoordIjk(values[1], values[2], values[3]);
            IsPentagon[cell] = values[4] == 1;
            ClockwiseOffsetFace[cell * 2] = (sbyte)values[5];
            ClockwiseOffsetFace[cell * 2 + 1] = (sbyte)values[6];
            cell++;
        }
        Check(cell == Count, "base cell data");

        var pairs = FaceIjkData.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        Check(pairs.Length == IcosahedronFaces.Count * 27 * 2, "face ijk data");
        for (int i = 0; i < IcosahedronFaces.Count * 27; i++)
        {
            AtFaceIjk[i] = byte.Parse(pairs[2 * i], System.Globalization.CultureInfo.InvariantCulture);
            RotationsAtFaceIjk[i] = byte.Parse(pairs[2 * i + 1], System.Globalization.CultureInfo.InvariantCulture);
        }

        cell = 0;
        foreach (var group in NeighborData.Split('|'))
        {
            ParseInts(group, values);
            for (int d = 0; d < 7; d++) Neighbor[cell * 7 + d] = (byte)values[d];
            cell++;
        }
        Check(cell == Count, "neighbour data");

        cell = 0;
        foreach (var group in NeighborRotationData.Split('|'))
        {
            ParseInts(group, values);
            for (int d = 0; d < 7; d++) NeighborRotations[cell * 7 + d] = (sbyte)values[d];
            cell++;
        }
        Check(cell == Count, "neighbour rotation data");
    }

    private static void ParseInts(string group, Span<int> values)
    {
        var parts = group.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        Check(parts.Length == values.Length, "a table row");
        for (int i = 0; i < parts.Length; i++)
        {
            values[i] = int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"The built-in H3 table '{what}' is malformed.");
    }

    /// <summary>Whether the pentagon base cell leaves its deleted K sub-sequence clockwise when entered from <paramref name="face"/>.</summary>
    public static bool IsClockwiseOffset(int baseCell, int face) =>
        ClockwiseOffsetFace[baseCell * 2] == face || ClockwiseOffsetFace[baseCell * 2 + 1] == face;

    /// <summary>The two polar pentagons, whose neighbours are all oriented towards them.</summary>
    public static bool IsPolarPentagon(int baseCell) => baseCell == 4 || baseCell == 117;
}
