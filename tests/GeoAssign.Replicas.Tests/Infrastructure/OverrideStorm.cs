// Writers that keep editing account overrides through every running replica until told to stop.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using GeoAssign.Protos.V1;
using GeoAssign.Testing.Servers;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GeoAssign.Replicas.Tests;

/// <summary>
/// <c>N</c> writers editing the overrides of a small pool of accounts (so edits overlap) through the
/// running replicas in turn: upserts, deletes, CSV imports that merge and, now and then, replace.
/// Some edits name the version the replica reports (they race and may be ABORTED), some a version
/// known to be stale (they must be ABORTED). Every edit carries a unique message, so the history tells
/// which edits whose call broke off (a killed replica) took effect; <see cref="Replay"/> rebuilds the
/// override set from the edits in version order.
/// </summary>
internal sealed class OverrideStorm(ReplicaCluster cluster, ulong staleVersion, int writers = 4)
{
    /// <summary>The accounts the storm edits.</summary>
    public static readonly string[] Accounts = Enumerable.Range(0, 300).Select(i => $"acct-{i:D3}").ToArray();

    /// <summary>The territories of the states extract an override may count toward.</summary>
    private static readonly string[] TerritoryIds = ["", "", "02", "08", "15", "51"];

    private readonly CancellationTokenSource _stop = new();
    private readonly DateTimeOffset _now = new(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
    private Task[] _writers = [];
    private int _next;
    private int _phase;

    /// <summary>What the storm keeps of an override: every field the test sets.</summary>
    public sealed record Entry(string Owner, string Territory, DateTimeOffset? From, DateTimeOffset? Until, bool Protected, string Reason)
    {
        /// <summary>Whether it is in force at <paramref name="instant"/>: from inclusive, until exclusive.</summary>
        public bool InForce(DateTimeOffset instant) => (From is not { } from || from <= instant) && (Until is not { } until || instant < until);

        public static Entry Of(AccountOverride o) => new(o.OwnerId, o.TerritoryId, o.ValidFrom?.ToDateTimeOffset(), o.ValidUntil?.ToDateTimeOffset(), o.Protected, o.Reason);
    }

    /// <summary>How an edit ended for its caller.</summary>
    public enum Outcome
    {
        Acknowledged,
        Aborted,
        /// <summary>The call broke off (its replica was killed): it may or may not have taken effect.</summary>
        Unknown,
    }

    /// <summary>One edit: what it sets or removes, and how it ended.</summary>
    public sealed class Edit(int number, string kind, bool stale, int replica, int phase)
    {
        public int Number { get; } = number;

        /// <summary>The replica it was sent to, and the test's phase when it was sent.</summary>
        public int Replica { get; } = replica;

        public int Phase { get; } = phase;

        public string Kind { get; } = kind;

        public string Message => $"storm-edit-{Number:D5}";

        /// <summary>Sent with a version known to be stale: must never take effect.</summary>
        public bool Stale { get; } = stale;

        public bool Replace { get; init; }

        public Dictionary<string, Entry> Set { get; } = new(StringComparer.Ordinal);

        public List<string> Deleted { get; } = [];

        public Outcome Outcome { get; set; }

        /// <summary>The version an acknowledged edit returned.</summary>
        public ulong Version { get; set; }

        /// <summary>An acknowledged delete that found none of its accounts: no new version.</summary>
        public bool NoOp { get; set; }

        public string Failure { get; set; } = "";

        public void ApplyTo(Dictionary<string, Entry> overrides)
        {
            if (Replace)
            {
                overrides.Clear();
            }

            foreach (var id in Deleted)
            {
                overrides.Remove(id);
            }

            foreach (var (id, entry) in Set)
            {
                overrides[id] = entry;
            }
        }

        public override string ToString() => $"{Message} ({Kind}{(Stale ? ", stale" : "")}: {Outcome} v{Version} {Failure})";
    }

    /// <summary>Every edit sent, whatever its outcome.</summary>
    public ConcurrentBag<Edit> Edits { get; } = [];

    public int AcknowledgedCount => Edits.Count(e => e.Outcome == Outcome.Acknowledged);

    /// <summary>The test's phase (e.g. before, during and after a restart), recorded with each edit sent.</summary>
    public int Phase
    {
        get => Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, value);
    }

    public void Start()
    {
        _writers = Enumerable.Range(0, writers).Select(writer => Task.Run(() => WriteAsync(writer))).ToArray();
    }

    /// <summary>Waits until <paramref name="more"/> further edits are acknowledged.</summary>
    public async Task AcknowledgedAsync(int more, TimeSpan? timeout = null)
    {
        var target = AcknowledgedCount + more;
        await Eventually.UntilAsync(() => AcknowledgedCount >= target, timeout ?? TimeSpan.FromSeconds(90),
            () => $"{target} override edits are acknowledged (only {AcknowledgedCount} are; failures: {string.Join(", ", Edits.Where(e => e.Outcome != Outcome.Acknowledged).Take(10))})\n{cluster.Logs()}");
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>The override set after the given edits, applied in version order to <paramref name="initial"/>.</summary>
    public static Dictionary<string, Entry> Replay(IReadOnlyDictionary<string, Entry> initial, IEnumerable<(ulong Version, Edit Edit)> applied)
    {
        var overrides = new Dictionary<string, Entry>(initial, StringComparer.Ordinal);
        foreach (var (_, edit) in applied.OrderBy(a => a.Version))
        {
            edit.ApplyTo(overrides);
        }

        return overrides;
    }

    private async Task WriteAsync(int writer)
    {
        var random = new Random(100 + writer);
        var attempt = writer;
        while (!_stop.IsCancellationRequested)
        {
            var running = cluster.Running.ToArray();
            if (running.Length == 0)
            {
                // Pacing, not waiting for a condition: nothing to write to until a replica runs again.
                await Task.Delay(50);
                continue;
            }

            var replica = running[attempt++ % running.Length];
            var number = Interlocked.Increment(ref _next);
            var roll = random.Next(100);
            var versioning = random.Next(100);
            var stale = versioning < 10;
            var kind = roll < 40 ? "upsert" : roll < 65 ? "delete" : roll < 94 ? "import-merge" : "import-replace";
            var edit = new Edit(number, kind, stale, replica, Phase) { Replace = kind == "import-replace" };
            Edits.Add(edit);
            try
            {
                ulong? expected = stale ? staleVersion
                    : versioning < 30 ? (await cluster.Territories(replica).GetMapInfoAsync(new GetMapInfoRequest(), deadline: Deadline())).MapVersion
                    : null;
                var accounts = new Protos.V1.AccountService.AccountServiceClient(cluster[replica].Channel);
                switch (kind)
                {
                    case "upsert":
                    {
                        var request = new UpsertOverridesRequest { Message = edit.Message };
                        if (expected is { } version)
                        {
                            request.ExpectedVersion = version;
                        }

                        foreach (var id in Pick(random, 1 + random.Next(20)))
                        {
                            var entry = RandomEntry(random);
                            edit.Set[id] = entry;
                            request.Overrides.Add(Message(id, entry));
                        }

                        edit.Version = (await accounts.UpsertOverridesAsync(request, deadline: Deadline())).MapVersion;
                        break;
                    }

                    case "delete":
                    {
                        var request = new DeleteOverridesRequest { Message = edit.Message, AllowMissing = true, AccountIds = { Pick(random, 1 + random.Next(12)) } };
                        if (expected is { } version)
                        {
                            request.ExpectedVersion = version;
                        }

                        edit.Deleted.AddRange(request.AccountIds);
                        var response = await accounts.DeleteOverridesAsync(request, deadline: Deadline());
                        edit.Version = response.MapVersion;
                        edit.NoOp = response.DeletedCount == 0;
                        break;
                    }

                    default:
                    {
                        var rows = edit.Replace ? 40 + random.Next(80) : 5 + random.Next(40);
                        var csv = new StringBuilder("account_id,owner_id,territory_id,valid_from,valid_until,protected,reason\n");
                        foreach (var id in Pick(random, rows))
                        {
                            var entry = RandomEntry(random);
                            edit.Set[id] = entry;
                            csv.Append(CultureInfo.InvariantCulture,
                                $"{id},{entry.Owner},{entry.Territory},{Iso(entry.From)},{Iso(entry.Until)},{(entry.Protected ? "true" : "false")},\"{entry.Reason}\"\n");
                        }

                        edit.Version = await ImportAsync(accounts, csv.ToString(), edit, expected, random);
                        break;
                    }
                }

                edit.Outcome = Outcome.Acknowledged;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                edit.Outcome = Outcome.Aborted;
                edit.Failure = e.Status.Detail;
            }
            catch (RpcException e)
            {
                edit.Outcome = Outcome.Unknown;
                edit.Failure = e.Status.ToString();
                // Pacing the storm after a failure (a replica gone): no assertion depends on it.
                await Task.Delay(20);
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                // The replica was killed between choosing it and calling it (its channel disposed).
                edit.Outcome = Outcome.Unknown;
                edit.Failure = e.GetType().Name;
            }
        }
    }

    private static async Task<ulong> ImportAsync(Protos.V1.AccountService.AccountServiceClient accounts, string csv, Edit edit, ulong? expected, Random random)
    {
        using var call = accounts.ImportOverrides(deadline: Deadline());
        var options = new ImportOverridesOptions { Replace = edit.Replace, Message = edit.Message };
        if (expected is { } version)
        {
            options.ExpectedVersion = version;
        }

        await call.RequestStream.WriteAsync(new ImportOverridesRequest { Options = options });
        var bytes = Encoding.UTF8.GetBytes(csv);
        for (var at = 0; at < bytes.Length;)
        {
            // Chunks split rows anywhere, as the API allows.
            var length = Math.Min(bytes.Length - at, 1 + random.Next(400));
            await call.RequestStream.WriteAsync(new ImportOverridesRequest { Chunk = ByteString.CopyFrom(bytes, at, length) });
            at += length;
        }

        await call.RequestStream.CompleteAsync();
        return (await call).MapVersion;
    }

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(10);

    private static IEnumerable<string> Pick(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => Accounts[random.Next(Accounts.Length)]).Distinct(StringComparer.Ordinal).ToList();

    // Windows days away from now (and whole seconds, as CSV writes them): whether one is in force
    // does not depend on when the test checks.
    public Entry RandomEntry(Random random)
    {
        var (from, until) = random.Next(10) switch
        {
            0 => (_now.AddDays(-20), _now.AddDays(-3)),
            1 => (_now.AddDays(3), null),
            2 => (_now.AddDays(-random.Next(2, 9)), _now.AddDays(random.Next(2, 9))),
            3 => (null, _now.AddDays(4)),
            4 => (_now.AddDays(-4), null),
            _ => ((DateTimeOffset?)null, (DateTimeOffset?)null),
        };
        return new Entry($"rep-s{random.Next(10)}", TerritoryIds[random.Next(TerritoryIds.Length)], from, until, random.Next(3) == 0,
            $"storm, round {random.Next(1000)}");
    }

    public static AccountOverride Message(string id, Entry entry) => new()
    {
        AccountId = id,
        OwnerId = entry.Owner,
        TerritoryId = entry.Territory,
        ValidFrom = entry.From is { } from ? Timestamp.FromDateTimeOffset(from) : null,
        ValidUntil = entry.Until is { } until ? Timestamp.FromDateTimeOffset(until) : null,
        Protected = entry.Protected,
        Reason = entry.Reason,
    };

    private static string Iso(DateTimeOffset? instant) => instant?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
