using System.Text.Json;
using System.Text.Json.Nodes;
using Sim.Foundation;
using Sim.Rewards.Labels;
using Sim.Rewards.Preferences;
using Sim.Rewards.Queries;
using Sim.Rewards.Robot;

namespace Sim.Labeling;

/// <summary>A label store of robot segments as JSON Lines, for <c>sim labels export</c> and <c>sim labels import</c>: a
/// header line, then one line per segment, labeler, pair and label.</summary>
/// <remarks>
/// <para>Lines, each an object with a <c>type</c>:
/// <c>{"type":"sim-labels","version":1}</c> first; <c>{"type":"segment","id":1,"env":…,"source":…,"episode":…,"start":…,"length":…,"payload":"base64"}</c>,
/// whose reference fields say where the segment was cut from and whose payload is the store's own encoding (so an import
/// trains exactly as the export did); <c>{"type":"labeler","id":"human:alice"}</c>;
/// <c>{"type":"pair","id":1,"left":1,"right":2,"round":0,"sampler":"uniform","created_at_ms":…}</c>; and
/// <c>{"type":"label","pair":1,"labeler":"human:alice","label":"left","at_ms":…}</c> with label one of left, right, equal, skip.</para>
/// <para>Ids are the file's own: a segment or labeler must be declared before a line names it. An import checks the whole
/// file before it writes, then adds every pair in one transaction and every label in another, so a bad file changes
/// nothing. Tokens are never exported: they are secrets, and labelers get new ones with <c>sim label add-labeler</c>.</para>
/// </remarks>
public static class LabelsJsonl
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int Version = 1;

    /// <summary>What an export or import moved.</summary>
    public sealed record Counts(int Segments, int Labelers, int Pairs, int Labels);

    /// <summary>Writes every pair of <paramref name="store"/> (answered or not), its segments, labelers and labels to
    /// <paramref name="path"/>, atomically.</summary>
    public static Counts Export(LabelStore<Segment> store, string path)
    {
        var labels = store.GetLabeledPairs(includeSkipped: true);
        var pairs = labels.Select(l => l.Pair).Concat(store.GetUnlabeledPairs()).DistinctBy(p => p.Id).OrderBy(p => p.Id).ToList();
        var segmentIds = new Dictionary<Segment, int>(ReferenceEqualityComparer.Instance);
        var lines = new List<string> { Line(new JsonObject { ["type"] = "sim-labels", ["version"] = Version }) };
        int SegmentId(Segment segment)
        {
            if (segmentIds.TryGetValue(segment, out int id)) return id;
            segmentIds[segment] = id = segmentIds.Count + 1;
            lines.Add(Line(new JsonObject
            {
                ["type"] = "segment", ["id"] = id, ["env"] = segment.EnvId, ["source"] = segment.Source, ["episode"] = segment.Episode,
                ["start"] = segment.StartStep, ["length"] = segment.Length, ["payload"] = Convert.ToBase64String(SegmentCodec.Instance.Encode(segment)),
            }));
            return id;
        }
        var labelers = labels.Select(l => l.LabelerId).Distinct().ToList();
        foreach (string labeler in labelers) lines.Add(Line(new JsonObject { ["type"] = "labeler", ["id"] = labeler }));
        foreach (var pair in pairs)
        {
            int left = SegmentId(pair.Left), right = SegmentId(pair.Right);
            var (provenance, created) = store.GetProvenance(pair.Id);
            lines.Add(Line(new JsonObject
            {
                ["type"] = "pair", ["id"] = pair.Id, ["left"] = left, ["right"] = right, ["round"] = provenance.Round,
                ["sampler"] = provenance.Sampler, ["created_at_ms"] = created.ToUnixTimeMilliseconds(),
            }));
        }
        foreach (var label in labels)
            lines.Add(Line(new JsonObject
            {
                ["type"] = "label", ["pair"] = label.Pair.Id, ["labeler"] = label.LabelerId,
                ["label"] = label.Label.ToString().ToLowerInvariant(), ["at_ms"] = label.LabeledAt.ToUnixTimeMilliseconds(),
            }));
        AtomicFile.WriteAllText(path, string.Join('\n', lines) + "\n");
        return new Counts(segmentIds.Count, labelers.Count, pairs.Count, labels.Count);
    }

    static string Line(JsonObject value) => value.ToJsonString();

    /// <summary>A checked file, ready to import.</summary>
    public sealed class Contents
    {
        internal int Segments { get; init; }
        internal int Labelers { get; init; }
        internal List<(long Id, Segment Left, Segment Right, PairProvenance Provenance, long CreatedMs)> Pairs { get; init; } = [];
        internal List<(long Pair, PreferenceLabel Label, string Labeler, long AtMs)> Labels { get; init; } = [];
    }

    /// <summary>Reads <paramref name="path"/> and checks every line, writing nothing.</summary>
    /// <exception cref="InvalidDataException">A line is malformed, of another version, or names a segment, pair or
    /// labeler not declared before it; the message names the file and line.</exception>
    public static Contents Read(string path)
    {
        var segments = new Dictionary<long, Segment>();
        var labelers = new HashSet<string>(StringComparer.Ordinal);
        var pairs = new List<(long Id, Segment Left, Segment Right, PairProvenance Provenance, long CreatedMs)>();
        var pairIndex = new Dictionary<long, int>();
        var labels = new List<(long Pair, PreferenceLabel Label, string Labeler, long AtMs)>();
        var answered = new HashSet<(long, string)>();
        int number = 0;
        foreach (string text in File.ReadLines(path))
        {
            number++;
            if (number > 1 && text.Length == 0) continue;
            string where = $"'{Path.GetFullPath(path)}' line {number}";
            JsonObject line;
            try
            {
                line = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{where}: expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{where} is not JSON ({e.Message.Split('.')[0]}): expected one JSON object per line", e);
            }
            string type = Text(line, "type", where);
            if (number == 1)
            {
                if (type != "sim-labels") throw new InvalidDataException($"{where}: type '{type}': expected the header {{\"type\":\"sim-labels\",\"version\":{Version}}}");
                long version = Number(line, "version", where);
                if (version != Version) throw new InvalidDataException($"{where}: version {version}: this build reads version {Version}");
                continue;
            }
            switch (type)
            {
                case "segment":
                    long segmentId = Number(line, "id", where);
                    Segment segment;
                    try { segment = SegmentCodec.Instance.Decode(Convert.FromBase64String(Text(line, "payload", where))); }
                    catch (Exception e) when (e is FormatException or InvalidDataException)
                    {
                        throw new InvalidDataException($"{where}: segment {segmentId} has a bad payload ({e.Message}): expected the base64 of a stored segment", e);
                    }
                    if (SegmentCodec.Instance.FindInconsistency(segment) is { } problem) throw new InvalidDataException($"{where}: segment {segmentId}: {problem}");
                    if (!segments.TryAdd(segmentId, segment)) throw new InvalidDataException($"{where}: segment {segmentId} is declared twice: expected unique ids");
                    break;
                case "labeler":
                    string labelerId = Text(line, "id", where);
                    if (string.IsNullOrWhiteSpace(labelerId)) throw new InvalidDataException($"{where}: labeler id '{labelerId}' is empty: expected an id such as human:alice");
                    labelers.Add(labelerId);
                    break;
                case "pair":
                    long pairId = Number(line, "id", where);
                    Segment Side(string key)
                    {
                        long id = Number(line, key, where);
                        return segments.TryGetValue(id, out var s) ? s : throw new InvalidDataException($"{where}: pair {pairId} names {key} segment {id}, which no earlier line declares: expected a declared segment id");
                    }
                    var provenance = new PairProvenance((int)Number(line, "round", where), Text(line, "sampler", where));
                    if (provenance.Round < 0 || string.IsNullOrWhiteSpace(provenance.Sampler))
                        throw new InvalidDataException($"{where}: pair {pairId} has round {provenance.Round} and sampler '{provenance.Sampler}': expected a round >= 0 and a sampler name");
                    if (!pairIndex.TryAdd(pairId, pairs.Count)) throw new InvalidDataException($"{where}: pair {pairId} is declared twice: expected unique ids");
                    pairs.Add((pairId, Side("left"), Side("right"), provenance, Number(line, "created_at_ms", where)));
                    break;
                case "label":
                    long pair = Number(line, "pair", where);
                    string labeler = Text(line, "labeler", where);
                    if (!labelers.Contains(labeler)) throw new InvalidDataException($"{where}: label from labeler '{labeler}', who no earlier line declares: expected a declared labeler id");
                    if (!pairIndex.ContainsKey(pair)) throw new InvalidDataException($"{where}: label for pair {pair}, which no earlier line declares: expected a declared pair id");
                    string value = Text(line, "label", where);
                    if (!Enum.TryParse<PreferenceLabel>(value, ignoreCase: true, out var label) || !Enum.IsDefined(label) || int.TryParse(value, out _))
                        throw new InvalidDataException($"{where}: label '{value}' for pair {pair}: expected left, right, equal or skip");
                    if (!answered.Add((pair, labeler))) throw new InvalidDataException($"{where}: labeler '{labeler}' answers pair {pair} twice: expected one label per labeler and pair");
                    labels.Add((pair, label, labeler, Number(line, "at_ms", where)));
                    break;
                default:
                    throw new InvalidDataException($"{where}: type '{type}': expected segment, labeler, pair or label");
            }
        }
        if (number == 0) throw new InvalidDataException($"'{Path.GetFullPath(path)}' is empty: expected the header line {{\"type\":\"sim-labels\",\"version\":{Version}}}");
        return new Contents { Segments = segments.Count, Labelers = labelers.Count, Pairs = pairs, Labels = labels };
    }

    /// <summary>Adds the pairs and labels of a checked file to <paramref name="store"/> (pairs get the store's next ids).</summary>
    public static Counts Import(LabelStore<Segment> store, Contents contents)
    {
        var (pairs, labels) = (contents.Pairs, contents.Labels);

        var storedIds = new Dictionary<long, long>();
        foreach (var group in pairs.GroupBy(p => (p.Provenance, p.CreatedMs)))
        {
            var batch = group.ToList();
            var added = store.AddPairs(batch.Select(p => new ItemPair<Segment>(p.Left, p.Right)).ToList(), group.Key.Provenance,
                DateTimeOffset.FromUnixTimeMilliseconds(group.Key.CreatedMs));
            for (int i = 0; i < batch.Count; i++) storedIds[batch[i].Id] = added[i].Id;
        }
        var results = store.RecordLabels(labels.Select(l => new LabelAnswer(storedIds[l.Pair], l.Label, l.Labeler, DateTimeOffset.FromUnixTimeMilliseconds(l.AtMs))).ToList());
        if (results.FirstOrDefault(r => r.Rejection is not null).Rejection is { } rejection) throw rejection;
        return new Counts(contents.Segments, contents.Labelers, pairs.Count, labels.Count);
    }

    static string Text(JsonObject line, string key, string where) =>
        line[key] is JsonValue value && value.TryGetValue(out string? text) ? text : throw new InvalidDataException($"{where}: '{key}' is missing or not a string: expected a string");

    static long Number(JsonObject line, string key, string where) =>
        line[key] is JsonValue value && value.TryGetValue(out long number) ? number : throw new InvalidDataException($"{where}: '{key}' is missing or not an integer: expected an integer");
}
