using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Sim.Labeling.Tests;

/// <summary>The labeling site's HTTP API as a labeler's page calls it.</summary>
internal sealed class LabelingApi(string url) : IDisposable
{
    readonly HttpClient _http = new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient Http => _http;

    public async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? token, string? json = null, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        adjust?.Invoke(request);
        using var response = await _http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (response.StatusCode, body);
    }

    /// <summary>GET /api/next: the pair leased to the labeler.</summary>
    public async Task<JsonElement> Next(string token)
    {
        var (status, body) = await Send(HttpMethod.Get, "/api/next", token);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    /// <summary>POST /api/labels.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> Submit(string token, long pair, long lease, string choice) =>
        Send(HttpMethod.Post, "/api/labels", token, $"{{\"pair\":{pair},\"lease\":{lease},\"choice\":\"{choice}\"}}");

    public void Dispose() => _http.Dispose();
}
