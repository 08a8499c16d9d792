package io.rookery.loadtest;

import io.rookery.protocol.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Line charts as inline SVG, for the HTML report: linear y from zero, x linear or with ticks given by the caller. */
final class SvgChart {
    static final int WIDTH = 820;
    static final int HEIGHT = 320;
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    /** One line; NaN y values leave a gap. xs and ys have the same length. */
    record Series(String name, String color, double[] xs, double[] ys) {
        Series {
            if (xs.length != ys.length) throw new IllegalArgumentException("xs and ys differ in length");
        }
    }

    /** An x axis tick at a position in x units, with its label. */
    record Tick(double at, String label) {}

    private SvgChart() {}

    /**
     * @param xTicks ticks for the x axis, or null for evenly spaced ones over the data; given ticks also fix the
     *               axis' start (the first) and its least end (the last)
     */
    static String render(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        boolean any = false;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                if (!Double.isFinite(s.xs()[i]) || !Double.isFinite(s.ys()[i])) continue;
                any = true;
                xMin = Math.min(xMin, s.xs()[i]);
                xMax = Math.max(xMax, s.xs()[i]);
                yMax = Math.max(yMax, s.ys()[i]);
            }
        }
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(WIDTH).append("' height='")
                .append(HEIGHT).append("' viewBox='0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("' font-family='sans-serif' font-size='12'>");
        sb.append("<rect width='100%' height='100%' fill='#fff'/>");
        text(sb, WIDTH / 2.0, 18, "middle", "bold", title);
        if (!any) {
            text(sb, WIDTH / 2.0, HEIGHT / 2.0, "middle", null, "no data");
            return sb.append("</svg>").toString();
        }
        List<Tick> ticks;
        if (xTicks != null && !xTicks.isEmpty()) {
            xMin = xTicks.get(0).at();
            xMax = Math.max(xMax, xTicks.get(xTicks.size() - 1).at());
            ticks = xTicks;
        } else {
            if (xMax <= xMin) xMax = xMin + 1;
            ticks = new ArrayList<>();
            double step = niceStep((xMax - xMin) / 8);
            for (double t = Math.ceil(xMin / step) * step; t <= xMax + step * 1e-9; t += step) {
                ticks.add(new Tick(t, label(t)));
            }
        }
        double yStep = niceStep(Math.max(yMax, 1e-9) / 5);
        double yTop = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        final double x0 = xMin;
        final double xSpan = xMax - xMin;

        sb.append("<g stroke='#ddd' stroke-width='1'>");
        for (double y = 0; y <= yTop + yStep * 1e-9; y += yStep) {
            double py = TOP + plotH - y / yTop * plotH;
            sb.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%.1f' y2='%.1f'/>", LEFT, py,
                    LEFT + plotW, py));
        }
        for (Tick t : ticks) {
            double px = LEFT + (t.at() - x0) / xSpan * plotW;
            sb.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%.1f'/>", px, TOP, px,
                    TOP + plotH));
        }
        sb.append("</g>");
        for (double y = 0; y <= yTop + yStep * 1e-9; y += yStep) {
            text(sb, LEFT - 6, TOP + plotH - y / yTop * plotH + 4, "end", null, label(y));
        }
        for (Tick t : ticks) {
            text(sb, LEFT + (t.at() - x0) / xSpan * plotW, TOP + plotH + 16, "middle", null, t.label());
        }
        text(sb, LEFT + plotW / 2, HEIGHT - 10, "middle", null, xLabel);
        sb.append(String.format(Locale.ROOT, "<text x='14' y='%.1f' text-anchor='middle' transform='rotate(-90 14 %.1f)'>",
                TOP + plotH / 2, TOP + plotH / 2));
        XmlWriter.escapeText(yLabel, sb);
        sb.append("</text>");
        sb.append(String.format(Locale.ROOT,
                "<rect x='%d' y='%d' width='%.1f' height='%.1f' fill='none' stroke='#888'/>", LEFT, TOP, plotW, plotH));

        double legendX = LEFT + 8;
        for (Series s : series) {
            polylines(sb, s, x0, xSpan, yTop, plotW, plotH);
            sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='14' height='4' fill='%s'/>", legendX,
                    TOP - 12, s.color()));
            text(sb, legendX + 18, TOP - 7, "start", null, s.name());
            legendX += 30 + 7 * s.name().length();
        }
        return sb.append("</svg>").toString();
    }

    private static void polylines(StringBuilder sb, Series s, double x0, double xSpan, double yTop, double plotW,
            double plotH) {
        StringBuilder points = new StringBuilder();
        int n = 0;
        for (int i = 0; i <= s.xs().length; i++) {
            boolean valid = i < s.xs().length && Double.isFinite(s.xs()[i]) && Double.isFinite(s.ys()[i]);
            if (valid) {
                double px = LEFT + (s.xs()[i] - x0) / xSpan * plotW;
                double py = TOP + plotH - s.ys()[i] / yTop * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                n++;
            } else if (n > 0) {
                if (n == 1) points.append(points.toString()); // a lone point: a zero-length line, drawn as a dot
                sb.append("<polyline fill='none' stroke-width='2' stroke-linecap='round' stroke='").append(s.color()).append("' points='")
                        .append(points.toString().trim()).append("'/>");
                points.setLength(0);
                n = 0;
            }
        }
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, String weight, String text) {
        sb.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' text-anchor='%s'", x, y, anchor));
        if (weight != null) sb.append(" font-weight='").append(weight).append('\'');
        sb.append('>');
        XmlWriter.escapeText(text, sb);
        sb.append("</text>");
    }

    /** 1, 2 or 5 times a power of ten, at least raw. */
    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * p;
    }

    static String label(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9) return Long.toString(Math.round(v));
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /**
     * The x position of a percentile on the usual latency chart: log10(1 / (1 - p/100)), so 90%, 99%, 99.9% are
     * evenly spaced. 100% is drawn at the last tick at or after 99.9999%.
     */
    static double percentileX(double percentile) {
        double p = Math.min(percentile, 99.9999);
        return Math.log10(100.0 / (100.0 - p));
    }

    /** Ticks at 0%, 90%, 99%, ... up to the number of nines reached. */
    static List<Tick> percentileTicks(int nines) {
        List<Tick> ticks = new ArrayList<>();
        ticks.add(new Tick(0, "0%"));
        String[] labels = {"90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 1; i <= Math.min(nines, labels.length); i++) ticks.add(new Tick(i, labels[i - 1]));
        return ticks;
    }
}
