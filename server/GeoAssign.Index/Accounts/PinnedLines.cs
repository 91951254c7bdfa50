// Pinned memory for the override table: cache-line aligned, and on huge pages where Linux offers them.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GeoAssign.Index.Accounts;

/// <summary>
/// Allocates a zeroed byte array on the pinned object heap (it never moves) and gives the offset of its
/// first byte on a 64-byte line. Large arrays on Linux are aligned to 2 MiB and advised as huge pages
/// (transparent huge pages in <c>madvise</c> or <c>always</c> mode), so that random reads across a table
/// of hundreds of megabytes do not each miss the TLB and walk the page tables — long walks on a
/// virtual machine's nested paging. Elsewhere, or when the advice is refused, the pages stay small.
/// Thread-safe (stateless).
/// </summary>
internal static partial class PinnedLines
{
    private const int Line = 64;
    private const int HugePage = 2 << 20;
    private const int HugePageAdvice = 14; // MADV_HUGEPAGE

    /// <summary>A zeroed pinned array with at least <paramref name="bytes"/> bytes from <paramref name="first"/>, which is 64-byte aligned.</summary>
    public static byte[] Allocate(int bytes, out int first)
    {
        if (!OperatingSystem.IsLinux() || bytes < 2 * HugePage || bytes > Array.MaxLength - HugePage)
        {
            var small = GC.AllocateArray<byte>(bytes + Line, pinned: true);
            first = OffsetTo(small, Line);
            return small;
        }

        // Uninitialized, so that the advice comes before the first touch: the pages are then faulted in
        // huge, not collapsed later (if ever) by khugepaged.
        var memory = GC.AllocateUninitializedArray<byte>(bytes + HugePage, pinned: true);
        first = OffsetTo(memory, HugePage);
        Advise(memory, first, bytes);
        memory.AsSpan().Clear();
        return memory;
    }

    private static unsafe int OffsetTo(byte[] memory, int alignment)
    {
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(memory));
        return (int)((alignment - (address & (alignment - 1))) & (alignment - 1));
    }

    private static unsafe void Advise(byte[] memory, int first, int bytes)
    {
        var start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(memory)) + first;
        // A refusal (no THP in this kernel, or it is off) only leaves small pages: nothing to report.
        _ = MAdvise((nint)start, (nuint)(bytes / HugePage * HugePage), HugePageAdvice);
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int MAdvise(nint address, nuint length, int advice);
}
