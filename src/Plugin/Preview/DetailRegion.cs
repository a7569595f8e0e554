using SeRanet.Video.Upscaler.Imaging;

namespace SeRanet.Video.Plugin.Preview;

/// <summary>Where in a frame a zoomed crop shows the most: the window with the most edges.</summary>
public static class DetailRegion
{
    /// <summary>
    /// A window a sixth of the frame's width (at least 8 pixels, the frame's aspect) whose green
    /// channel changes most from pixel to pixel: flat sky or black bars show no difference between
    /// two upscalers, edges and texture do. Windows are tried every half window.
    /// </summary>
    public static PreviewCrop Find(ImagePlanes frame)
    {
        int width = Math.Min(frame.Width, Math.Max(8, frame.Width / 6));
        int height = Math.Min(frame.Height, Math.Max(1, (int)Math.Round((double)width * frame.Height / frame.Width)));
        var green = frame.Plane(Math.Min(1, frame.Channels - 1));
        // Row sums of horizontal and vertical differences make each window's total a few additions.
        var edges = new double[frame.Height, frame.Width];
        for (int y = 0; y < frame.Height; y++)
        {
            for (int x = 0; x < frame.Width; x++)
            {
                float here = green[y * frame.Width + x];
                double dx = x + 1 < frame.Width ? Math.Abs(green[y * frame.Width + x + 1] - here) : 0;
                double dy = y + 1 < frame.Height ? Math.Abs(green[(y + 1) * frame.Width + x] - here) : 0;
                edges[y, x] = dx + dy;
            }
        }
        var best = new PreviewCrop(0, 0, width, height);
        double bestScore = -1;
        int stepX = Math.Max(1, width / 2), stepY = Math.Max(1, height / 2);
        for (int top = 0; top + height <= frame.Height; top += stepY)
        {
            for (int left = 0; left + width <= frame.Width; left += stepX)
            {
                double score = 0;
                for (int y = top; y < top + height; y++)
                {
                    for (int x = left; x < left + width; x++)
                    {
                        score += edges[y, x];
                    }
                }
                if (score > bestScore)
                {
                    (best, bestScore) = (new PreviewCrop(left, top, width, height), score);
                }
            }
        }
        return best;
    }
}
