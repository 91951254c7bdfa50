using BenchmarkDotNet.Running;
using GeoAssign.Benchmarks;

// compare.sh asks for the points' fingerprint to prove h3-js is measured on the same points.
if (args is ["--points-fingerprint"])
{
    Console.WriteLine(UsBoxPoints.Fingerprint(UsBoxPoints.Generate()));
    return 0;
}

// Full index builds and one-territory edits, timed once each (see IndexReport).
if (args is ["--index-report", .. var reportArgs])
{
    return IndexReport.Run(reportArgs);
}

// A plan's life on one replica, step by step (see ActivationReport).
if (args is ["--activation-report", .. var activationArgs])
{
    return ActivationReport.Run(activationArgs);
}

// Memory per account override and loading millions of them (see OverrideReport).
if (args is ["--override-report", .. var overrideArgs])
{
    return OverrideReport.Run(overrideArgs);
}

// The override benchmarks' methods one by one for callgrind (see OverrideLoop).
if (args is ["--override-loop", .. var overrideLoopArgs])
{
    return OverrideLoop.Run(overrideLoopArgs);
}

// A bare lookup loop for callgrind (see LookupLoop).
if (args is ["--lookup-loop", .. var loopArgs])
{
    return LookupLoop.Run(loopArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(H3Benchmarks).Assembly).Run(args);
return 0;
