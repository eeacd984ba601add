using System;
using SkiaSharp;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Anti-aliased shapes in unit coordinates ([0, 1]², y down) on a Skia canvas, and the random helpers the scenes
/// draw with. Every random choice goes through one <see cref="Random"/>, in drawing order, so a seed fixes the image.
/// </summary>
internal sealed class ScenePainter(SKCanvas canvas, Random random) : IDisposable
{
    private readonly SKPaint fill = new() { IsAntialias = true, Style = SKPaintStyle.Fill };
    private readonly SKPaint stroke = new() { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round };

    public SKCanvas Canvas => canvas;

    public double Uniform(double low, double high) => low + ((high - low) * random.NextDouble());

    public float U(double low, double high) => (float)Uniform(low, high);

    public int Int(int low, int highInclusive) => random.Next(low, highInclusive + 1);

    public bool Chance(double p) => random.NextDouble() < p;

    public T Pick<T>(params T[] items) => items[random.Next(items.Length)];

    /// <summary>The colour with each channel moved by up to ±<paramref name="amount"/>.</summary>
    public SKColor Jitter(byte r, byte g, byte b, int amount = 18, byte alpha = 255) =>
        new(Channel(r, amount), Channel(g, amount), Channel(b, amount), alpha);

    public SKColor Jitter(SKColor color, int amount = 18) => Jitter(color.Red, color.Green, color.Blue, amount, color.Alpha);

    /// <summary>A saturated colour of random hue (balloons, icons, petals, cars).</summary>
    public SKColor Bright() => SKColor.FromHsv(U(0, 360), U(65, 95), U(80, 100));

    /// <summary>Fills the band between <paramref name="top"/> and <paramref name="bottom"/>, wider than the canvas so shifts never show an edge.</summary>
    public void Band(float top, float bottom, SKColor color) => Rect(-0.5f, top, 2f, bottom - top, color);

    public void Rect(float x, float y, float width, float height, SKColor color)
    {
        fill.Color = color;
        canvas.DrawRect(x, y, width, height, fill);
    }

    public void RoundRect(float x, float y, float width, float height, float radius, SKColor color)
    {
        fill.Color = color;
        canvas.DrawRoundRect(x, y, width, height, radius, radius, fill);
    }

    public void Circle(float cx, float cy, float radius, SKColor color)
    {
        fill.Color = color;
        canvas.DrawCircle(cx, cy, radius, fill);
    }

    public void Oval(float cx, float cy, float rx, float ry, SKColor color)
    {
        fill.Color = color;
        canvas.DrawOval(cx, cy, rx, ry, fill);
    }

    public void Line(float x0, float y0, float x1, float y1, float width, SKColor color)
    {
        stroke.Color = color;
        stroke.StrokeWidth = width;
        canvas.DrawLine(x0, y0, x1, y1, stroke);
    }

    public void Polygon(SKColor color, params SKPoint[] points)
    {
        using var path = new SKPath();
        path.AddPoly(points, close: true);
        fill.Color = color;
        canvas.DrawPath(path, fill);
    }

    /// <summary>A quadratic curve from (x0, y0) through control (cx, cy) to (x1, y1).</summary>
    public void Curve(float x0, float y0, float cx, float cy, float x1, float y1, float width, SKColor color)
    {
        using var path = new SKPath();
        path.MoveTo(x0, y0);
        path.QuadTo(cx, cy, x1, y1);
        stroke.Color = color;
        stroke.StrokeWidth = width;
        canvas.DrawPath(path, stroke);
    }

    public void Dispose()
    {
        fill.Dispose();
        stroke.Dispose();
    }

    private byte Channel(byte value, int amount) => (byte)Math.Clamp(value + random.Next(-amount, amount + 1), 0, 255);
}
