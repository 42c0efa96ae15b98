using OneGate.Benchmarks;

// Benchmark harness. `report` boots the stack itself and runs every suite into one markdown file:
//        dotnet run -c Release --project OneGate.Benchmarks -- report [--output docs/benchmarks.md] [--seconds 20] [--suites auth,auth-flood,transfer,lag,history] [--trace-sampling 0.1]
// The other suites run against a stack you started (dotnet run --project OneGate.AppHost):
// Usage: dotnet run -c Release --project OneGate.Benchmarks -- auth [--auth http://localhost:5101]
//        dotnet run -c Release --project OneGate.Benchmarks -- auth-flood --auth <Auth's own port, not the proxy>
//        [--payment http://localhost:5102] [--seconds 20] [--concurrency 4]
//        dotnet run -c Release --project OneGate.Benchmarks -- transfer --concurrency 32 --postgres "<connection string>"
//        [--unbatched-payment <a Payment replica with Payment:Posting:Batched=false>] [--engine-payment <the replica whose engine is measured>]
//        [--payment-login <Payment's database login>]
//        dotnet run -c Release --project OneGate.Benchmarks -- history --concurrency 8 --postgres "<connection string>" [--api-key KEY]
var options = BenchmarkOptions.Parse(args);
return options.Suite switch
{
    "auth" => await AuthBenchmark.RunAsync(options),
    "auth-flood" => await AuthFloodBenchmark.RunAsync(options),
    "transfer" => await TransferBenchmark.RunAsync(options),
    "history" => await HistoryBenchmark.RunAsync(options),
    "lag" => await EventLagBenchmark.RunAsync(options),
    "report" => await BenchmarkReport.RunAsync(options, options.Output ?? "benchmark-report.md"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: OneGate.Benchmarks auth [--auth URL] [--payment URL] [--seconds N] [--concurrency N]");
    return 2;
}
