using System.Globalization;
using System.Net;
using System.Text;

namespace Sim.Labeling;

/// <summary>The <c>/stats</c> page: one table row per labeler, rendered on the server.</summary>
public static class StatsPage
{
    /// <summary>The page's HTML.</summary>
    public static string Render(IReadOnlyList<LabelerStats> labelers, (double? Agreement, int Pairs) pairAgreement, LabelingProgress progress)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Sim labeling: labelers</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body class=\"stats\">");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Labelers</h1><p>{progress.Labels} answers · {progress.Queue} pairs waiting · budget {progress.Budget}");
        html.Append(CultureInfo.InvariantCulture, $" · pairs answered by several labelers: {pairAgreement.Pairs}, all agreeing on {Share(pairAgreement.Agreement)}</p>");
        html.Append("<table><thead><tr><th>labeler</th><th>labels</th><th>gold accuracy</th><th>gold answered</th><th>agreement with others</th><th>labels / hour</th><th>s / label (median)</th></tr></thead><tbody>");
        foreach (var s in labelers)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-labeler=\"{WebUtility.HtmlEncode(s.Name)}\"><td>{WebUtility.HtmlEncode(s.Name)}</td><td>{s.Labels}</td><td class=\"gold-accuracy\">{Share(s.GoldAccuracy)}</td><td>{s.GoldCorrect}/{s.GoldAnswered}</td>");
            html.Append(CultureInfo.InvariantCulture,
                $"<td>{Share(s.Agreement)} ({s.AgreementComparisons})</td><td>{Number(s.LabelsPerHour, "0")}</td><td>{Number(s.MedianSecondsPerLabel, "0.0")}</td></tr>");
        }
        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }

    static string Share(double? value) => value is double v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "—";

    static string Number(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
