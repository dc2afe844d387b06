package io.robotid.geofence.engine;

import java.util.Arrays;
import java.util.List;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.index.hprtree.HPRtree;

/**
 * The point look-up of the outdoor zones: which zones' envelopes cover a position. A uniform grid with cells
 * about the size of a typical zone, in flat arrays: every cell's zones are one run of envelopes and zones, so
 * that a look-up reads a cell's run instead of walking a tree. The runs are found by cell number in a dense
 * array when the zones fill their extent (a city), else through a hash table of the cells that hold zones
 * (zones spread over the world). Zones too large for the grid (more than {@link #MAX_CELLS_PER_ZONE} cells)
 * are in a JTS {@link HPRtree} of their own.
 *
 * <p>Exact: a zone is listed in every cell its envelope touches, cells are computed with the same floating-
 * point operations for envelopes and positions (monotonic, so a position inside an envelope always falls in one
 * of its cells), and each candidate's exact envelope is tested as the HPRtree tests it. Immutable and
 * thread-safe.
 */
final class PointGrid {

    /** A zone whose envelope spans more cells than this goes to the tree of large zones. */
    static final int MAX_CELLS_PER_ZONE = 16;
    /** At most this many cells along an axis (keeps cell numbers small and exact). */
    private static final double MAX_CELLS_PER_AXIS = 1 << 20;
    private static final long EMPTY = -1L;

    /** The union of the zones' envelopes (a position outside it is in none of them). */
    private final double minX, minY, maxX, maxY;
    private final double cellW, cellH;
    /** Dense: the rows of cells (cell number = column * rows + row), and where each cell's run starts (then its end). */
    private final int rows;
    private final int[] starts;
    /**
     * Hashed (when {@link #starts} is null): open addressing, slot i holds a cell key at 2i and
     * (start << 32 | end) of its run at 2i+1.
     */
    private final long[] table;
    private final int mask;
    /**
     * The runs of every cell, one after the other: the zones' envelopes (minX, minY, maxX, maxY) as floats
     * rounded outwards (half the memory to read; a candidate's exact envelope is tested next, from the zone)
     * and the zones.
     */
    private final float[] bounds;
    private final CompiledZone[] zones;
    /** The zones' {@link CompiledZone#rings()}, read with the zones rather than after them. */
    private final double[][] rings;
    /** Zones too large for the grid, or null. */
    private final HPRtree large;

    PointGrid(List<CompiledZone> outdoor) {
        double x0 = Double.POSITIVE_INFINITY, y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        double[] widths = new double[outdoor.size()], heights = new double[outdoor.size()];
        int n = 0;
        for (CompiledZone c : outdoor) {
            Envelope e = c.envelope;
            if (e.isNull()) {
                continue;
            }
            x0 = Math.min(x0, e.getMinX());
            y0 = Math.min(y0, e.getMinY());
            x1 = Math.max(x1, e.getMaxX());
            y1 = Math.max(y1, e.getMaxY());
            widths[n] = e.getWidth();
            heights[n] = e.getHeight();
            n++;
        }
        // cells of the median zone's size, not so small that an axis has more than 2^20 of them
        double w = 0, h = 0;
        if (n > 0) {
            Arrays.sort(widths, 0, n);
            Arrays.sort(heights, 0, n);
            w = widths[n / 2];
            h = heights[n / 2];
        }
        this.minX = x0;
        this.minY = y0;
        this.maxX = x1;
        this.maxY = y1;
        this.cellW = positive(Math.max(w, (x1 - x0) / MAX_CELLS_PER_AXIS));
        this.cellH = positive(Math.max(h, (y1 - y0) / MAX_CELLS_PER_AXIS));

        // the cells of each zone that fits the grid: first and last column and row
        int[] span = new int[4 * outdoor.size()];
        boolean[] gridded = new boolean[outdoor.size()];
        HPRtree big = new HPRtree();
        int bigCount = 0;
        long entries = 0;
        for (int z = 0; z < outdoor.size(); z++) {
            Envelope e = outdoor.get(z).envelope;
            if (e.isNull()) {
                continue;
            }
            int cx0 = cellX(e.getMinX()), cx1 = cellX(e.getMaxX());
            int cy0 = cellY(e.getMinY()), cy1 = cellY(e.getMaxY());
            long cells = (long) (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
            if (cells > MAX_CELLS_PER_ZONE) {
                big.insert(e, outdoor.get(z));
                bigCount++;
                continue;
            }
            gridded[z] = true;
            span[4 * z] = cx0;
            span[4 * z + 1] = cx1;
            span[4 * z + 2] = cy0;
            span[4 * z + 3] = cy1;
            entries += cells;
        }
        if (bigCount > 0) {
            big.build();
            this.large = big;
        } else {
            this.large = null;
        }
        if (entries > Integer.MAX_VALUE / 4) {
            throw new IllegalStateException("too many zones for the grid: " + entries + " cell entries");
        }
        this.bounds = new float[4 * (int) entries];
        this.zones = new CompiledZone[(int) entries];
        this.rings = new double[(int) entries][];

        long columns = n == 0 ? 0 : cellX(x1) + 1L, cellRows = n == 0 ? 0 : cellY(y1) + 1L;
        if (columns * cellRows <= Math.max(1 << 16, 2 * entries)) {
            // dense: a start per cell, counted then filled
            this.rows = (int) cellRows;
            this.starts = new int[(int) (columns * cellRows) + 1];
            this.table = null;
            this.mask = 0;
            for (int z = 0; z < outdoor.size(); z++) {
                if (gridded[z]) {
                    for (int cx = span[4 * z]; cx <= span[4 * z + 1]; cx++) {
                        for (int cy = span[4 * z + 2]; cy <= span[4 * z + 3]; cy++) {
                            starts[cx * rows + cy + 1]++;
                        }
                    }
                }
            }
            for (int i = 1; i < starts.length; i++) {
                starts[i] += starts[i - 1];
            }
            int[] next = Arrays.copyOf(starts, starts.length - 1);
            for (int z = 0; z < outdoor.size(); z++) {
                if (gridded[z]) {
                    for (int cx = span[4 * z]; cx <= span[4 * z + 1]; cx++) {
                        for (int cy = span[4 * z + 2]; cy <= span[4 * z + 3]; cy++) {
                            put(next[cx * rows + cy]++, outdoor.get(z));
                        }
                    }
                }
            }
            return;
        }

        // hashed: count the zones of each cell in a table with room for every entry, then size the table to the cells
        this.rows = 0;
        this.starts = null;
        long[] keys = new long[tableSize((int) entries)];
        int[] counts = new int[keys.length];
        Arrays.fill(keys, EMPTY);
        int cells = 0;
        for (int z = 0; z < outdoor.size(); z++) {
            if (gridded[z]) {
                for (int cx = span[4 * z]; cx <= span[4 * z + 1]; cx++) {
                    for (int cy = span[4 * z + 2]; cy <= span[4 * z + 3]; cy++) {
                        int slot = find(keys, key(cx, cy), 1, keys.length - 1);
                        if (keys[slot] == EMPTY) {
                            keys[slot] = key(cx, cy);
                            cells++;
                        }
                        counts[slot]++;
                    }
                }
            }
        }
        int slots = tableSize(cells);
        this.mask = slots - 1;
        this.table = new long[2 * slots];
        for (int i = 0; i < slots; i++) {
            table[2 * i] = EMPTY;
        }
        int next = 0;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                int slot = find(table, keys[i], 2, mask);
                table[2 * slot] = keys[i];
                table[2 * slot + 1] = (long) next << 32 | next; // the run [next, next), filled below
                next += counts[i];
            }
        }
        for (int z = 0; z < outdoor.size(); z++) {
            if (gridded[z]) {
                for (int cx = span[4 * z]; cx <= span[4 * z + 1]; cx++) {
                    for (int cy = span[4 * z + 2]; cy <= span[4 * z + 3]; cy++) {
                        int slot = find(table, key(cx, cy), 2, mask);
                        put((int) table[2 * slot + 1]++, outdoor.get(z));
                    }
                }
            }
        }
    }

    private void put(int entry, CompiledZone c) {
        Envelope e = c.envelope;
        bounds[4 * entry] = down(e.getMinX());
        bounds[4 * entry + 1] = down(e.getMinY());
        bounds[4 * entry + 2] = up(e.getMaxX());
        bounds[4 * entry + 3] = up(e.getMaxY());
        zones[entry] = c;
        rings[entry] = c.rings();
    }

    /** A power of two at least twice the number of keys (at most half full). */
    private static int tableSize(int keys) {
        return Integer.highestOneBit(Math.max(2, keys) * 2 - 1) << 1;
    }

    /** The slot of a key in a table of {@code stride} longs per slot, or the empty slot where it goes. */
    private static int find(long[] table, long key, int stride, int mask) {
        int slot = slot(key, mask);
        long k;
        while ((k = table[stride * slot]) != key && k != EMPTY) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** The largest float not above the value. */
    private static float down(double v) {
        float f = (float) v;
        return f > v ? Math.nextDown(f) : f;
    }

    /** The smallest float not below the value. */
    private static float up(double v) {
        float f = (float) v;
        return f < v ? Math.nextUp(f) : f;
    }

    private static double positive(double size) {
        return size > 0 && size < Double.POSITIVE_INFINITY ? size : 1.0;
    }

    private int cellX(double x) {
        return (int) Math.floor((x - minX) / cellW);
    }

    private int cellY(double y) {
        return (int) Math.floor((y - minY) / cellH);
    }

    private static long key(int cx, int cy) {
        return (long) cx << 32 | (cy & 0xffffffffL);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Hands every zone whose envelope covers the position (lon, lat) to the visitor, each once. */
    void query(double x, double y, ZoneIndex.Matches visitor) {
        if (x >= minX && x <= maxX && y >= minY && y <= maxY) {
            int from, to;
            if (starts != null) {
                int cell = cellX(x) * rows + cellY(y);
                from = starts[cell];
                to = starts[cell + 1];
            } else {
                long k = key(cellX(x), cellY(y));
                long[] t = table;
                int slot = find(t, k, 2, mask);
                long run = t[2 * slot] == k ? t[2 * slot + 1] : 0;
                from = (int) (run >>> 32);
                to = (int) run;
            }
            float[] b = bounds;
            for (int i = from; i < to; i++) {
                int j = 4 * i;
                if (x >= b[j] && y >= b[j + 1] && x <= b[j + 2] && y <= b[j + 3]) {
                    visitor.candidate(zones[i], rings[i]); // tests the exact envelope
                }
            }
        }
        if (large != null) {
            large.query(new Envelope(x, x, y, y), visitor);
        }
    }
}
