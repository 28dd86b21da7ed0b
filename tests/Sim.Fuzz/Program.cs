using SharpFuzz;
using Sim.Fuzz;

// The fuzz harness. One target per process, chosen by name:
//   Sim.Fuzz <target>                       under afl-fuzz: SharpFuzz's out-of-process mode, one input per run
//   Sim.Fuzz <target> seeds <dir>           writes the target's seed corpus into <dir>
//   Sim.Fuzz <target> replay <file|dir>...  runs inputs in process; exit 1 when one escapes with an undocumented exception
// scripts/fuzz.sh builds, instruments and runs a campaign.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine($"usage: Sim.Fuzz <target> [seeds <dir> | replay <file|dir>...]; targets: {string.Join(", ", FuzzTargets.Names)}");
    return args.Length == 0 ? 2 : 0;
}

FuzzTarget target;
try
{
    target = FuzzTargets.Create(args[0]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using (target)
{
    if (args.Length == 1)
    {
        Fuzzer.OutOfProcess.Run(stream =>
        {
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    }

    switch (args[1])
    {
        case "seeds" when args.Length == 3:
            Directory.CreateDirectory(args[2]);
            foreach (var seed in target.Seeds()) File.WriteAllBytes(Path.Combine(args[2], seed.Name), seed.Bytes);
            return 0;
        case "replay" when args.Length >= 3:
            int escaped = 0;
            foreach (string file in args.Skip(2).SelectMany(a => Directory.Exists(a) ? Directory.EnumerateFiles(a) : [a]).Order(StringComparer.Ordinal))
            {
                try
                {
                    Console.WriteLine($"{(target.Run(File.ReadAllBytes(file)) ? "accepted" : "rejected")}  {file}");
                }
                catch (Exception e)
                {
                    escaped++;
                    Console.WriteLine($"ESCAPED   {file}: {e.GetType().FullName}: {e.Message}");
                    Console.WriteLine(e.StackTrace);
                }
            }
            return escaped == 0 ? 0 : 1;
        default:
            Console.Error.WriteLine($"unknown arguments '{string.Join(' ', args.Skip(1))}': expected 'seeds <dir>' or 'replay <file|dir>...'");
            return 2;
    }
}
