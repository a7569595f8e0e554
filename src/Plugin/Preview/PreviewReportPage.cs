using System.Globalization;
using System.Net;
using SeRanet.Video.Core.Media;
using SeRanet.Video.Encoder.Video;

namespace SeRanet.Video.Plugin.Preview;

/// <summary>What the page says about the run as a whole.</summary>
/// <param name="OutputSize">The upscaled frame's width and height.</param>
/// <param name="Backend">What runs the network (torch, onnxruntime).</param>
public sealed record ReportFacts(string InputName, VideoInfo Video, string Model, string Backend, string Device, (int Width, int Height) OutputSize, EncoderOptions Encoder, string PixelFormat);

/// <summary>One sampled frame's pictures, encoded: full frames as JPEG (quality 95, no chroma subsampling), the zoomed crops as PNG.</summary>
/// <param name="Region">The zoomed region, in source pixels.</param>
public sealed record ReportFigure(ReportSample Sample, int Width, int Height, byte[] BicubicJpeg, byte[] SeranetJpeg, PreviewCrop Region, int Zoom, byte[] BicubicCropPng, byte[] SeranetCropPng);

/// <summary>
/// The report as one HTML file that needs nothing else: pictures are data URIs, style and script
/// are inline, and a content security policy forbids the page any other source, so it opens the
/// same from a mail attachment as from disk. Each comparison is a native range input over two
/// stacked pictures (keyboard, touch and screen readers get a real control); without script the
/// split stays in the middle.
/// </summary>
public sealed class PreviewReportPage(ReportFacts facts, IReadOnlyList<ReportFigure> figures, RunEstimate estimate)
{
    private const string Style = """
        body{font:16px/1.45 system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:1rem;color:#111;background:#fafafa}
        table{border-collapse:collapse}th,td{text-align:left;padding:.15rem .8rem .15rem 0;vertical-align:top}
        .frame{position:relative;line-height:0;border:1px solid #999}
        .frame img{width:100%;height:auto;display:block}
        .frame .before{position:absolute;inset:0;clip-path:inset(0 50% 0 0)}
        .frame .line{position:absolute;top:0;bottom:0;left:50%;border-left:2px solid #fff;box-shadow:0 0 2px #000}
        .slider{display:flex;gap:.8rem;align-items:center;margin:.4rem 0}.slider input{flex:1}
        .zoom{display:flex;gap:.6rem;flex-wrap:wrap}.zoom figure{margin:0}
        .zoom img{image-rendering:pixelated;max-width:100%;border:1px solid #999}
        .estimate{background:#fff;border:1px solid #ccc;padding:.6rem 1rem}
        """;

    // Records each slider's position on its figure too, so the split can be read back (tests do).
    private const string Script = """
        for (const figure of document.querySelectorAll('figure.comparison')) {
          const slider = figure.querySelector('input[type=range]');
          const before = figure.querySelector('.before'), line = figure.querySelector('.line');
          const show = () => {
            before.style.clipPath = 'inset(0 ' + (100 - slider.value) + '% 0 0)';
            line.style.left = slider.value + '%';
            figure.dataset.split = slider.value;
          };
          slider.addEventListener('input', show);
          show();
        }
        """;

    public async Task WriteAsync(TextWriter writer, CancellationToken cancellationToken)
    {
        var video = facts.Video;
        await writer.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>SeRanet preview: {Text(facts.InputName)}</title>
            <style>{Style}</style>
            </head>
            <body>
            <main>
            <h1>SeRanet preview: {Text(facts.InputName)}</h1>
            <table>
            <tr><th scope="row">Source</th><td>{video.UprightWidth}x{video.UprightHeight} {Text(video.PixelFormat)}, {estimate.Frames} frames, {Duration(estimate.VideoSeconds)}</td></tr>
            <tr><th scope="row">Upscaled</th><td>{facts.OutputSize.Width}x{facts.OutputSize.Height}, {Text(facts.Encoder.Codec)} {Text(facts.PixelFormat)}{Text(Quality())}</td></tr>
            <tr><th scope="row">Model</th><td>{Text(facts.Model)}, run by {Text(facts.Backend)}</td></tr>
            <tr><th scope="row">Device</th><td>{Text(facts.Device)}</td></tr>
            </table>

            """.AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync(EstimateSection().AsMemory(), cancellationToken).ConfigureAwait(false);
        await writer.WriteAsync($"<h2>{figures.Count} sampled frames</h2>\n<p>Frames taken evenly across the video. Move a slider (or focus it and use the arrow keys): left of the line is bicubic, right of it SeRanet. Full frames are JPEG at quality 95 without chroma subsampling; the zoomed crops are lossless PNG enlarged with square pixels.</p>\n".AsMemory(), cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < figures.Count; i++)
        {
            await writer.WriteAsync(FigureSection(i + 1, figures[i]).AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        await writer.WriteAsync($"</main>\n<script>{Script}</script>\n</body>\n</html>\n".AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    private string EstimateSection() => $"""
        <section class="estimate" aria-labelledby="estimate">
        <h2 id="estimate">Estimate for the whole video on this machine</h2>
        <table>
        <tr><th scope="row">Model time</th><td id="estimated-time">{Duration(estimate.ModelSeconds)}</td><td>{Number(estimate.ModelSecondsPerFrame, "F3")} s per frame &times; {estimate.Frames} frames</td></tr>
        <tr><th scope="row">Video stream size</th><td id="estimated-size">{Bytes(estimate.VideoBytes)}</td><td>{Bytes(estimate.BytesPerFrame)} per frame &times; {estimate.Frames} frames{Rate()}</td></tr>
        </table>
        <p><strong>These are estimates, not measurements of a run.</strong>
        The time is the median of the model's time on the {estimate.SampleCount} sampled frames on {Text(facts.Device)}, times the number of frames.
        A whole run decodes and encodes while the model works, so it takes about this long plus start-up, and longer when the machine is busy with other work; it passes several frames to the model at once, which is often quicker per frame than the one-at-a-time samples.
        The size comes from encoding the {estimate.SampleCount} upscaled sampled frames with the settings a whole run would use ({Text(facts.Encoder.Codec)} {Text(facts.PixelFormat)}{Text(Quality())}): {Bytes(estimate.SampleVideoBytes)} in all, {Bytes(estimate.BytesPerFrame)} per frame on average, times the number of frames.
        The sampled frames are far apart, so the encoder codes most of them as whole pictures; in a whole run most frames are coded as differences from their neighbours, so the real video stream is usually smaller, often much smaller for calm footage.
        Audio, subtitles and the other streams are copied as they are and add what they take in the source.</p>
        </section>

        """;

    private static string FigureSection(int number, ReportFigure figure)
    {
        var s = figure.Sample;
        string at = $"frame {s.Frame} at {Number(s.Seconds, "F3")} s";
        var r = figure.Region;
        return $"""
            <section class="sample" aria-labelledby="sample-{number}">
            <h3 id="sample-{number}">Sample {number}: {at}</h3>
            <figure class="comparison" id="comparison-{number}">
            <div class="frame" style="max-width:{figure.Width}px">
            <img class="after" src="{DataUri("image/jpeg", figure.SeranetJpeg)}" width="{figure.Width}" height="{figure.Height}" alt="SeRanet, {at}">
            <img class="before" src="{DataUri("image/jpeg", figure.BicubicJpeg)}" width="{figure.Width}" height="{figure.Height}" alt="Bicubic, {at}">
            <div class="line"></div>
            </div>
            <div class="slider"><label for="slider-{number}">Bicubic</label><input type="range" id="slider-{number}" min="0" max="100" value="50" step="1" aria-label="Split between bicubic (left) and SeRanet (right), {at}"><span aria-hidden="true">SeRanet</span></div>
            <figcaption>Bicubic left of the line, SeRanet right of it. The model took {Number(s.ModelSeconds, "F3")} s on this frame.</figcaption>
            </figure>
            <div class="zoom">
            <figure><img src="{DataUri("image/png", figure.BicubicCropPng)}" alt="Bicubic, zoomed {figure.Zoom}x, {at}"><figcaption>Bicubic</figcaption></figure>
            <figure><img src="{DataUri("image/png", figure.SeranetCropPng)}" alt="SeRanet, zoomed {figure.Zoom}x, {at}"><figcaption>SeRanet</figcaption></figure>
            </div>
            <p>Zoomed crop: the source's {r.Width}x{r.Height} pixels at {r.X},{r.Y} (where the frame has the most detail), upscaled, then enlarged {figure.Zoom}x with square pixels.</p>
            </section>

            """;
    }

    private string Quality() => facts.Encoder.QualityArguments() is { Count: > 0 } arguments ? " " + string.Join(' ', arguments) : "";

    private string Rate() => estimate.VideoBitsPerSecond > 0 ? $", about {Number(estimate.VideoBitsPerSecond / 1e6, "F1")} Mbit/s" : "";

    private static string DataUri(string type, byte[] bytes) => $"data:{type};base64,{Convert.ToBase64String(bytes)}";

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Seconds as "2 h 05 min", "3 min 20 s" or "12.5 s".</summary>
    public static string Duration(double seconds)
    {
        if (seconds < 60)
        {
            return $"{Number(seconds, "F1")} s";
        }
        long whole = (long)Math.Round(seconds);
        return whole >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{whole / 3600} h {whole % 3600 / 60:D2} min")
            : string.Create(CultureInfo.InvariantCulture, $"{whole / 60} min {whole % 60:D2} s");
    }

    /// <summary>Bytes in binary units, as file managers show them.</summary>
    public static string Bytes(double bytes) => bytes switch
    {
        >= 1L << 30 => $"{Number(bytes / (1L << 30), "F2")} GiB",
        >= 1L << 20 => $"{Number(bytes / (1L << 20), "F1")} MiB",
        >= 1L << 10 => $"{Number(bytes / (1L << 10), "F1")} KiB",
        _ => $"{Number(bytes, "F0")} bytes",
    };
}
