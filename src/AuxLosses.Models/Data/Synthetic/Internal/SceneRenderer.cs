using System;
using SkiaSharp;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Draws the twelve scenes (six topics × pleasant/unpleasant) from simple shapes with random layout, colours, mirror
/// image, shift and scale, then adds clutter and Gaussian pixel noise. No text or fonts are drawn, so the pixels depend
/// only on the seed and the Skia build. Topic and mood are independent visual factors: the topic is the main object or
/// setting, the mood its state (bright screen vs cracks, candles vs smoke, blue vs grey sky, ...).
/// </summary>
internal static class SceneRenderer
{
    private static readonly SKColor[] Tables = [new(150, 110, 70), new(175, 175, 175), new(220, 205, 180), new(120, 140, 160)];

    /// <summary>Renders one scene as RGB bytes, row-major <c>[size, size, 3]</c>.</summary>
    public static byte[] Render(SyntheticTopic topic, bool pleasant, int size, double pixelNoise, Random random)
    {
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        using (var p = new ScenePainter(canvas, random))
        {
            canvas.Clear(SKColors.Black);
            canvas.Scale(size, size);
            // Mirror, shift and zoom about the centre: layout varies, content does not.
            var zoom = p.U(0.9, 1.1);
            canvas.Translate(0.5f + p.U(-0.06, 0.06), 0.5f + p.U(-0.06, 0.06));
            canvas.Scale(p.Chance(0.5) ? -zoom : zoom, zoom);
            canvas.Translate(-0.5f, -0.5f);
            switch (topic)
            {
                case SyntheticTopic.Weather:
                    Weather(p, pleasant);
                    break;
                case SyntheticTopic.Phone:
                    Phone(p, pleasant);
                    break;
                case SyntheticTopic.Commute:
                    Commute(p, pleasant);
                    break;
                case SyntheticTopic.Baking:
                    Baking(p, pleasant);
                    break;
                case SyntheticTopic.Garden:
                    Garden(p, pleasant);
                    break;
                default:
                    Dog(p, pleasant);
                    break;
            }

            Clutter(p);
            canvas.Flush();
        }

        // Bytes (a copy), not GetPixelSpan: its return type changed in SkiaSharp 3, which ScottPlot 5 brings in.
        return ToRgb(bitmap.Bytes, size, pixelNoise, random);
    }

    private static void Weather(ScenePainter p, bool pleasant)
    {
        var horizon = p.U(0.45, 0.6);
        if (pleasant)
        {
            // Sunny beach: blue sky, sun with rays, sea, sand, sometimes a parasol.
            p.Band(-0.5f, horizon, p.Jitter(135, 200, 245));
            var sea = horizon + p.U(0.12, 0.2);
            p.Band(horizon, sea, p.Jitter(30, 100, 200));
            p.Band(sea, 1.5f, p.Jitter(240, 215, 140));
            Sun(p, p.U(0.15, 0.85), p.U(0.12, horizon - 0.15f), p.U(0.07, 0.11));
            if (p.Chance(0.5))
            {
                var x = p.U(0.2, 0.8);
                var top = sea + p.U(0.0, 0.08);
                p.Line(x, top, x, top + 0.3f, 0.02f, p.Jitter(90, 70, 50));
                p.Polygon(p.Bright(), new SKPoint(x - 0.16f, top + 0.04f), new SKPoint(x, top - 0.06f), new SKPoint(x + 0.16f, top + 0.04f));
            }
        }
        else
        {
            // Rainy street: grey sky, dark clouds, buildings, wet road, puddles, rain.
            p.Band(-0.5f, horizon, p.Jitter(110, 115, 125));
            Buildings(p, horizon, p.Jitter(70, 70, 80, 12));
            p.Band(horizon, 1.5f, p.Jitter(60, 60, 65, 10));
            for (var i = p.Int(1, 3); i > 0; i--)
            {
                p.Oval(p.U(0.1, 0.9), p.U(horizon + 0.1, 0.95), p.U(0.08, 0.16), p.U(0.02, 0.04), p.Jitter(90, 100, 120, 10));
            }

            Clouds(p, horizon, p.Jitter(80, 85, 95, 10));
            Rain(p, p.Int(20, 35));
        }
    }

    private static void Phone(ScenePainter p, bool pleasant)
    {
        p.Band(-0.5f, 1.5f, p.Jitter(p.Pick(Tables)));
        float width = p.U(0.34, 0.44), height = p.U(0.6, 0.76), cx = p.U(0.38, 0.62), cy = p.U(0.42, 0.58);
        p.Canvas.Save();
        p.Canvas.RotateDegrees(p.U(-15, 15), cx, cy);
        var left = cx - (width / 2);
        var top = cy - (height / 2);
        p.RoundRect(left, top, width, height, 0.05f, p.Jitter(p.Pick(new SKColor(25, 25, 30), new SKColor(40, 40, 70), new SKColor(70, 35, 35)), 10));
        float sx = left + 0.03f, sy = top + 0.07f, sw = width - 0.06f, sh = height - 0.14f;
        if (pleasant)
        {
            // A new phone: bright home screen with a grid of app icons.
            p.Rect(sx, sy, sw, sh, p.Jitter(p.Pick(new SKColor(120, 200, 255), new SKColor(255, 170, 200), new SKColor(170, 140, 255), new SKColor(140, 230, 180))));
            for (var row = 0; row < 4; row++)
            {
                for (var column = 0; column < 3; column++)
                {
                    var icon = sw / 4.5f;
                    p.RoundRect(sx + (sw * (0.08f + (0.31f * column))), sy + (sh * (0.08f + (0.22f * row))), icon, icon, icon / 4, p.Bright());
                }
            }
        }
        else
        {
            // A broken phone: dark screen with white cracks radiating from the impact.
            p.Rect(sx, sy, sw, sh, p.Jitter(35, 35, 40, 8));
            float ix = sx + (sw * p.U(0.25, 0.75)), iy = sy + (sh * p.U(0.25, 0.75));
            for (var i = p.Int(6, 9); i > 0; i--)
            {
                float x = ix, y = iy, angle = p.U(0, 2 * Math.PI);
                for (var segment = 0; segment < 3; segment++)
                {
                    angle += p.U(-0.5, 0.5);
                    var length = p.U(0.06, 0.14);
                    float nx = Math.Clamp(x + (length * MathF.Cos(angle)), sx, sx + sw), ny = Math.Clamp(y + (length * MathF.Sin(angle)), sy, sy + sh);
                    p.Line(x, y, nx, ny, 0.015f, p.Jitter(230, 230, 230, 15));
                    (x, y) = (nx, ny);
                }
            }
        }

        p.Canvas.Restore();
    }

    private static void Commute(ScenePainter p, bool pleasant)
    {
        var horizon = p.U(0.35, 0.5);
        float vanish = p.U(0.4, 0.6), bottomLeft = p.U(0.05, 0.3), bottomRight = p.U(0.7, 0.95);
        if (pleasant)
        {
            // Open road: blue sky, green fields, trees, an empty road.
            p.Band(-0.5f, horizon, p.Jitter(135, 200, 245));
            p.Band(horizon, 1.5f, p.Jitter(90, 170, 70));
        }
        else
        {
            // Traffic jam: smoggy sky, buildings, grey verges, a road packed with cars.
            p.Band(-0.5f, horizon, p.Jitter(190, 170, 150));
            Buildings(p, horizon, p.Jitter(110, 105, 105, 12));
            p.Band(horizon, 1.5f, p.Jitter(125, 125, 125, 10));
        }

        p.Polygon(p.Jitter(85, 85, 90, 10), new SKPoint(vanish - 0.02f, horizon), new SKPoint(vanish + 0.02f, horizon), new SKPoint(bottomRight, 1.5f), new SKPoint(bottomLeft, 1.5f));
        var middle = (bottomLeft + bottomRight) / 2;
        for (var t = 0.1f; t < 1; t += 0.2f)
        {
            float y0 = horizon + ((1 - horizon) * t), y1 = horizon + ((1 - horizon) * (t + 0.1f));
            p.Line(vanish + ((middle - vanish) * t), y0, vanish + ((middle - vanish) * (t + 0.1f)), y1, 0.008f + (0.02f * t), p.Jitter(235, 235, 210, 10));
        }

        if (pleasant)
        {
            for (var i = p.Int(2, 4); i > 0; i--)
            {
                var left = p.Chance(0.5);
                float x = left ? p.U(0.0, bottomLeft * 0.8) : p.U(bottomRight + 0.05, 1.0), y = p.U(horizon + 0.05, 0.8), s = 0.5f + y;
                p.Rect(x - (0.015f * s), y, 0.03f * s, 0.12f * s, p.Jitter(100, 70, 40));
                p.Circle(x, y, 0.07f * s, p.Jitter(40, 130, 50));
            }
        }
        else
        {
            // Cars from far to near so nearer ones overlap.
            var cars = p.Int(6, 10);
            for (var i = 0; i < cars; i++)
            {
                var depth = (i + p.U(0.2, 0.8)) / cars;
                var y = horizon + ((1 - horizon) * depth);
                float width = 0.06f + (0.22f * depth), height = width * 0.55f;
                var roadLeft = vanish + ((bottomLeft - vanish) * depth);
                var roadRight = vanish + ((bottomRight - vanish) * depth);
                var x = p.U(roadLeft, Math.Max(roadLeft, roadRight - width));
                p.RoundRect(x, y - height, width, height, height / 4, p.Bright());
                p.Rect(x + (width * 0.15f), y - (height * 0.85f), width * 0.7f, height * 0.3f, p.Jitter(60, 70, 80, 10));
                p.Circle(x + (width * 0.12f), y - (height * 0.35f), height * 0.13f, p.Jitter(255, 30, 30, 10));
                p.Circle(x + (width * 0.88f), y - (height * 0.35f), height * 0.13f, p.Jitter(255, 30, 30, 10));
            }
        }
    }

    private static void Baking(ScenePainter p, bool pleasant)
    {
        p.Band(-0.5f, 1.5f, p.Jitter(p.Pick(Tables)));
        float cx = p.U(0.4, 0.6), plateY = p.U(0.72, 0.82);
        p.Oval(cx, plateY, p.U(0.36, 0.43), 0.1f, p.Jitter(240, 240, 240, 10));
        float width = p.U(0.4, 0.55), height = p.U(0.24, 0.34), left = cx - (width / 2), top = plateY - height;
        if (pleasant)
        {
            // Birthday cake: layered sponge, icing, sprinkles, lit candles.
            p.Rect(left, top, width, height, p.Jitter(p.Pick(new SKColor(250, 200, 215), new SKColor(250, 245, 235), new SKColor(255, 230, 150))));
            p.Rect(left, top + (height * 0.45f), width, height * 0.12f, p.Bright());
            p.Oval(cx, top, width / 2, 0.04f, p.Jitter(252, 250, 250, 3));
            for (var i = p.Int(6, 12); i > 0; i--)
            {
                p.Circle(p.U(left + 0.02, left + width - 0.02), p.U(top + 0.03, plateY - 0.02), 0.012f, p.Bright());
            }

            var candles = p.Int(3, 5);
            for (var i = 0; i < candles; i++)
            {
                var x = left + (width * (i + 0.5f) / candles);
                p.Rect(x - 0.012f, top - 0.12f, 0.024f, 0.12f, p.Bright());
                p.Oval(x, top - 0.15f, 0.02f, 0.035f, p.Jitter(255, 200, 40, 10));
                p.Oval(x, top - 0.14f, 0.009f, 0.017f, p.Jitter(255, 110, 0, 10));
            }
        }
        else
        {
            // Burnt cake: a charred lump with cracks under grey smoke.
            p.RoundRect(left, top + (height * 0.2f), width, height * 0.8f, 0.06f, p.Jitter(45, 28, 18, 10));
            for (var i = p.Int(3, 6); i > 0; i--)
            {
                var x = p.U(left + 0.03, left + width - 0.03);
                p.Line(x, top + (height * 0.3f), x + p.U(-0.06, 0.06), plateY - 0.03f, 0.012f, p.Jitter(12, 8, 5, 5));
            }

            for (var i = p.Int(3, 5); i > 0; i--)
            {
                p.Circle(cx + p.U(-0.15, 0.15), top - p.U(0.0, 0.3), p.U(0.06, 0.12), p.Jitter(150, 150, 150, 15, alpha: 170));
            }
        }
    }

    private static void Garden(ScenePainter p, bool pleasant)
    {
        var horizon = p.U(0.35, 0.5);
        p.Band(-0.5f, horizon, pleasant ? p.Jitter(135, 200, 245) : p.Jitter(150, 150, 155, 10));
        p.Band(horizon, 1.5f, pleasant ? p.Jitter(80, 170, 60) : p.Jitter(110, 80, 50));
        if (pleasant && p.Chance(0.5))
        {
            Sun(p, p.U(0.15, 0.85), p.U(0.08, horizon - 0.1f), p.U(0.06, 0.09));
        }

        var plants = p.Int(4, 7);
        for (var i = 0; i < plants; i++)
        {
            float x = (i + p.U(0.2, 0.8)) / plants, y = p.U(horizon + 0.25, 0.97), stem = p.U(0.2, 0.33);
            if (pleasant)
            {
                // Flowers in bloom: upright stems, five bright petals, a yellow heart.
                p.Line(x, y, x, y - stem, 0.022f, p.Jitter(40, 140, 40));
                var petal = p.Bright();
                for (var k = 0; k < 5; k++)
                {
                    var angle = k * 2 * MathF.PI / 5;
                    p.Circle(x + (0.04f * MathF.Cos(angle)), y - stem + (0.04f * MathF.Sin(angle)), 0.035f, petal);
                }

                p.Circle(x, y - stem, 0.025f, p.Jitter(255, 220, 40, 10));
            }
            else
            {
                // Wilted: stems bent over, brown heads hanging, fallen leaves.
                var side = p.Chance(0.5) ? 1 : -1;
                float tipX = x + (side * p.U(0.1, 0.16)), tipY = y - (stem * 0.5f);
                p.Curve(x, y, x, y - (stem * 1.3f), tipX, tipY, 0.03f, p.Jitter(160, 150, 80));
                p.Circle(tipX, tipY + 0.025f, 0.04f, p.Jitter(60, 45, 30, 8));
                p.Oval(x + p.U(-0.08, 0.08), y + 0.015f, 0.04f, 0.015f, p.Jitter(170, 120, 60));
            }
        }
    }

    private static void Dog(ScenePainter p, bool pleasant)
    {
        var horizon = p.U(0.4, 0.55);
        p.Band(-0.5f, horizon, pleasant ? p.Jitter(135, 200, 245) : p.Jitter(110, 115, 125, 10));
        p.Band(horizon, 1.5f, pleasant ? p.Jitter(80, 170, 60) : p.Jitter(100, 75, 50));
        float s = p.U(0.85, 1.15), cx = p.U(0.38, 0.55), ground = p.U(0.78, 0.9);
        if (!pleasant)
        {
            p.Oval(cx + p.U(-0.1, 0.1), ground, 0.32f * s, 0.06f * s, p.Jitter(75, 58, 40, 8));
        }

        var coat = p.Jitter(p.Pick(new SKColor(200, 150, 90), new SKColor(120, 75, 40), new SKColor(235, 230, 220), new SKColor(45, 40, 40), new SKColor(220, 170, 80)));
        float bodyY = ground - (0.17f * s), headX = cx + (0.2f * s), headY = ground - (0.3f * s);
        foreach (var dx in (ReadOnlySpan<float>)[-0.14f, -0.08f, 0.08f, 0.14f])
        {
            p.Rect(cx + (dx * s) - (0.018f * s), bodyY, 0.036f * s, ground - bodyY, coat);
        }

        p.Oval(cx, bodyY, 0.2f * s, 0.09f * s, coat);
        // Tail up and wagging when happy, tucked down when miserable.
        var tailTip = pleasant ? ground - (0.36f * s) : ground - (0.08f * s);
        p.Line(cx - (0.18f * s), bodyY - (0.02f * s), cx - (0.3f * s), tailTip, 0.03f * s, coat);
        p.Circle(headX, headY, 0.085f * s, coat);
        // Ears pricked up when happy, drooping when miserable.
        var ear = new SKColor((byte)(coat.Red * 0.6), (byte)(coat.Green * 0.6), (byte)(coat.Blue * 0.6));
        p.Oval(headX - (0.05f * s), headY + ((pleasant ? -0.06f : 0.03f) * s), 0.03f * s, 0.06f * s, ear);
        p.Circle(headX + (0.03f * s), headY - (0.015f * s), 0.013f * s, SKColors.Black);
        p.Circle(headX + (0.085f * s), headY + (0.01f * s), 0.017f * s, SKColors.Black);
        if (pleasant)
        {
            p.Circle(cx + (p.Chance(0.5) ? 0.36f : -0.36f) * s, ground - (0.04f * s), 0.045f * s, p.Pick(p.Jitter(230, 40, 40, 10), p.Jitter(240, 220, 40, 10)));
        }
        else
        {
            for (var i = p.Int(4, 8); i > 0; i--)
            {
                p.Circle(cx + (p.U(-0.2, 0.28) * s), ground - (p.U(0.02, 0.3) * s), p.U(0.02, 0.045) * s, p.Jitter(70, 50, 30, 8));
            }

            Rain(p, p.Int(10, 20));
        }
    }

    private static void Sun(ScenePainter p, float cx, float cy, float radius)
    {
        var color = p.Jitter(255, 220, 40, 10);
        for (var k = 0; k < 8; k++)
        {
            var angle = k * MathF.PI / 4;
            p.Line(cx + (1.3f * radius * MathF.Cos(angle)), cy + (1.3f * radius * MathF.Sin(angle)), cx + (1.8f * radius * MathF.Cos(angle)), cy + (1.8f * radius * MathF.Sin(angle)), 0.018f, color);
        }

        p.Circle(cx, cy, radius, color);
    }

    private static void Clouds(ScenePainter p, float horizon, SKColor color)
    {
        for (var i = p.Int(2, 4); i > 0; i--)
        {
            float x = p.U(0.0, 1.0), y = p.U(0.05, Math.Max(0.1, horizon - 0.15));
            p.Circle(x - 0.08f, y + 0.02f, 0.07f, color);
            p.Circle(x, y - 0.02f, 0.09f, color);
            p.Circle(x + 0.09f, y + 0.02f, 0.07f, color);
        }
    }

    private static void Buildings(ScenePainter p, float horizon, SKColor color)
    {
        for (var i = p.Int(2, 4); i > 0; i--)
        {
            var height = p.U(0.1, 0.3);
            p.Rect(p.U(-0.1, 0.9), horizon - height, p.U(0.15, 0.3), height, color);
        }
    }

    private static void Rain(ScenePainter p, int drops)
    {
        var slant = p.U(-0.04, 0.04);
        for (var i = 0; i < drops; i++)
        {
            float x = p.U(-0.1, 1.1), y = p.U(-0.1, 1.0), length = p.U(0.08, 0.14);
            p.Line(x, y, x + slant, y + length, 0.012f, p.Jitter(175, 185, 205, 10));
        }
    }

    // Small shapes of random colour anywhere, independent of the scene: visual distractors.
    private static void Clutter(ScenePainter p)
    {
        for (var i = p.Int(0, 2); i > 0; i--)
        {
            var color = p.Bright();
            if (p.Chance(0.5))
            {
                p.Circle(p.U(0, 1), p.U(0, 1), p.U(0.02, 0.05), color);
            }
            else
            {
                p.Rect(p.U(0, 1), p.U(0, 1), p.U(0.03, 0.08), p.U(0.03, 0.08), color);
            }
        }
    }

    private static byte[] ToRgb(ReadOnlySpan<byte> rgba, int size, double pixelNoise, Random random)
    {
        var rgb = new byte[size * size * 3];
        for (int i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            for (var c = 0; c < 3; c++)
            {
                var value = rgba[i + c] + (pixelNoise > 0 ? pixelNoise * Gaussian(random) : 0);
                rgb[o + c] = (byte)Math.Clamp(Math.Round(value), 0, 255);
            }
        }

        return rgb;
    }

    // Box–Muller; one of the pair is dropped to keep the stream simple.
    private static double Gaussian(Random random)
    {
        var u = 1.0 - random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }
}
