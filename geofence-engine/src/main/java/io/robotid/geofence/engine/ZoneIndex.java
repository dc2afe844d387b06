package io.robotid.geofence.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.index.ItemVisitor;
import org.locationtech.jts.index.hprtree.HPRtree;

/**
 * An immutable snapshot of the policy: every zone and grant, a spatial index over the zones' envelopes
 * (JTS HPRtree, a Hilbert-packed R-tree kept in flat arrays: the STRtree's packing, with fewer cache misses
 * per query), each zone compiled for checks (its rings flat, or an indexed locator for a large polygon) and
 * the indoor zones by venue, floor and zone code,
 * under one policy version. Built once per policy change and swapped atomically ({@link ZoneIndexRef});
 * safe for any number of concurrent checks.
 *
 * <p>Checks find the zones at a position with a {@link PointGrid} (a uniform grid of the zones' envelopes in
 * flat arrays: one cell read instead of a walk down the tree, which at 100,000 zones was most of a check's
 * time) and test each candidate's rings directly ({@link CompiledZone}); the HPRtree serves box queries,
 * {@link #zonesAt} and the zones too large for the grid. Both give the same zones (the tests compare them).
 */
public final class ZoneIndex {

    private final long policyVersion;
    private final List<Zone> zones;
    private final List<Grant> grants;
    private final Map<String, CompiledZone> byId;
    private final HPRtree tree;
    private final PointGrid grid;
    private final Map<IndoorKey, List<CompiledZone>> indoor;
    /**
     * A number for every task category named by a zone or a grant, the most used first: a zone keeps the
     * tasks it allows, and its grants theirs, as bits of these numbers (see {@link CompiledZone}).
     */
    private final Map<String, Integer> taskNumbers;

    private record IndoorKey(String venue, String floor, String zoneCode) {
    }

    private ZoneIndex(long policyVersion, List<Zone> zones, List<Grant> grants) {
        this.policyVersion = policyVersion;
        this.zones = List.copyOf(zones);
        this.grants = List.copyOf(grants);
        Map<String, List<Grant>> grantsByZone = new HashMap<>();
        for (Grant g : grants) {
            grantsByZone.computeIfAbsent(g.zoneId(), k -> new ArrayList<>()).add(g);
        }
        Map<String, Integer> uses = new HashMap<>();
        for (Zone z : zones) {
            for (String task : z.conditions().allowedTaskCategories()) {
                uses.merge(task, 1, Integer::sum);
            }
        }
        for (Grant g : grants) {
            for (String task : g.taskCategories()) {
                uses.merge(task, 1, Integer::sum);
            }
        }
        List<String> tasks = new ArrayList<>(uses.keySet());
        tasks.sort(Comparator.<String>comparingInt(uses::get).reversed().thenComparing(Comparator.naturalOrder()));
        Map<String, Integer> numbers = new HashMap<>();
        for (String task : tasks) {
            numbers.put(task, numbers.size());
        }
        this.taskNumbers = Map.copyOf(numbers);
        Map<String, CompiledZone> ids = new HashMap<>();
        Map<IndoorKey, List<CompiledZone>> in = new HashMap<>();
        HPRtree t = new HPRtree();
        List<CompiledZone> outdoor = new ArrayList<>(zones.size());
        for (Zone z : zones) {
            CompiledZone c = new CompiledZone(z, grantsByZone.getOrDefault(z.id(), List.of()), numbers);
            ids.put(z.id(), c);
            if (z.geometry() instanceof ZoneGeometry.Indoor i) {
                in.computeIfAbsent(new IndoorKey(i.venue(), i.floor(), i.zoneCode()), k -> new ArrayList<>()).add(c);
            } else {
                t.insert(c.envelope, c);
                outdoor.add(c);
            }
        }
        t.build();
        List<CompiledZone> ranked = new ArrayList<>(ids.values());
        ranked.sort(CompiledZone.PRECEDENCE);
        for (int i = 0; i < ranked.size(); i++) {
            ranked.get(i).rank = i;
        }
        in.replaceAll((k, list) -> List.copyOf(list));
        this.byId = Map.copyOf(ids);
        this.indoor = Map.copyOf(in);
        this.tree = t;
        this.grid = new PointGrid(outdoor);
    }

    /**
     * Validates every zone and grant (field paths {@code zones[i].…}, {@code grants[i].…}; duplicate zone
     * ids are refused) and builds the index. Grants of zones that are not in the snapshot never match.
     *
     * @throws ValidationException with every violation found
     */
    public static ZoneIndex build(long policyVersion, Collection<Zone> zones, Collection<Grant> grants) {
        Violations v = new Violations();
        List<Zone> zl = List.copyOf(zones);
        List<Grant> gl = List.copyOf(grants);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < zl.size(); i++) {
            Validation.zone(zl.get(i), "zones[" + i + "].", v);
            if (zl.get(i).id() != null && !seen.add(zl.get(i).id())) {
                v.add("zones[" + i + "].id", "duplicate zone id " + zl.get(i).id());
            }
        }
        for (int i = 0; i < gl.size(); i++) {
            Validation.grant(gl.get(i), "grants[" + i + "].", v);
        }
        v.throwIfAny();
        return new ZoneIndex(policyVersion, zl, gl);
    }

    /**
     * Builds the index of zones and grants that were each validated already (with {@link Validation#zone} and
     * {@link Validation#grant}, or by an earlier {@link #build}): a service that keeps its policy in memory
     * validates each zone once, when it is written, and does not pay for every zone's topology check again on
     * each change. Duplicate zone ids are still refused.
     *
     * @throws ValidationException when two zones have one id
     */
    public static ZoneIndex buildValidated(long policyVersion, Collection<Zone> zones, Collection<Grant> grants) {
        List<Zone> zl = List.copyOf(zones);
        Set<String> seen = new HashSet<>();
        Violations v = new Violations();
        for (int i = 0; i < zl.size(); i++) {
            if (!seen.add(zl.get(i).id())) {
                v.add("zones[" + i + "].id", "duplicate zone id " + zl.get(i).id());
            }
        }
        v.throwIfAny();
        return new ZoneIndex(policyVersion, zl, List.copyOf(grants));
    }

    public static ZoneIndex empty(long policyVersion) {
        return new ZoneIndex(policyVersion, List.of(), List.of());
    }

    public long policyVersion() {
        return policyVersion;
    }

    public List<Zone> zones() {
        return zones;
    }

    public List<Grant> grants() {
        return grants;
    }

    public Zone zone(String id) {
        CompiledZone c = byId.get(id);
        return c == null ? null : c.zone;
    }

    public int size() {
        return zones.size();
    }

    /** The outdoor zones whose envelope intersects the box (for offline bundles of a region). */
    public List<Zone> outdoorZonesIntersecting(double minLat, double minLon, double maxLat, double maxLon) {
        List<Zone> out = new ArrayList<>();
        Envelope box = new Envelope(minLon, maxLon, minLat, maxLat);
        org.locationtech.jts.geom.Geometry boxGeometry = GeoJson.FACTORY.toGeometry(box);
        tree.query(box, item -> {
            CompiledZone c = (CompiledZone) item;
            // a rectangle against a polygon: JTS's RectangleIntersects, which builds no index on the zone
            if (boxGeometry.intersects(((ZoneGeometry.Outdoor) c.zone.geometry()).polygonal())) {
                out.add(c.zone);
            }
        });
        return out;
    }

    /** The indoor zones of a venue (for offline bundles of a venue). */
    public List<Zone> indoorZonesOf(String venue) {
        List<Zone> out = new ArrayList<>();
        indoor.forEach((k, list) -> {
            if (k.venue().equals(venue)) {
                list.forEach(c -> out.add(c.zone));
            }
        });
        return out;
    }

    /** The number of a task category in {@link #taskNumbers}, -1 when no zone or grant names it. */
    int taskNumber(String task) {
        Integer n = taskNumbers.get(task);
        return n == null ? -1 : n;
    }

    /** The zones a position is in (covers: boundary included) that are valid at the instant. */
    public List<Zone> zonesAt(double lat, double lon, Instant at) {
        Matches m = new Matches(at, null);
        matchOutdoor(lat, lon, m, false);
        List<Zone> out = new ArrayList<>(m.size);
        for (int i = 0; i < m.size; i++) {
            out.add(m.zones[i].zone);
        }
        return out;
    }

    /**
     * Zones that apply at a place and instant, and the earliest later instant a zone's validity changes.
     * Also the visitor of the spatial index for one position (no visitor or list allocated per query).
     */
    static final class Matches implements ItemVisitor {
        private static final Comparator<CompiledZone> BY_RANK = Comparator.comparingInt(c -> c.rank);

        final Instant at;
        Instant nextChange;
        CompiledZone[] zones = new CompiledZone[8];
        int size;
        /** Set when one place is looked up twice (+/-180), so that a zone is not listed twice. */
        boolean dedupe;
        /** The position being looked up (longitude, latitude). */
        private double x, y;

        Matches(Instant at, Instant horizon) {
            this.at = at;
            this.nextChange = horizon;
        }

        void change(Instant when) {
            if (when != null && when.isAfter(at) && (nextChange == null || when.isBefore(nextChange))) {
                nextChange = when;
            }
        }

        /** The index visits only zones whose envelope covers the position: test the geometry itself. */
        @Override
        public void visitItem(Object item) {
            CompiledZone c = (CompiledZone) item;
            if (c.coversInEnvelope(x, y)) {
                offer(c);
            }
        }

        /** A zone from the point grid, with its rings: its envelope may not cover the position. */
        void candidate(CompiledZone c, double[] rings) {
            if (x >= c.minX && y >= c.minY && x <= c.maxX && y <= c.maxY && c.coversInEnvelope(x, y, rings)) {
                offer(c);
            }
        }

        void offer(CompiledZone c) {
            Instant until = c.validUntil;
            if (until != null && !at.isBefore(until)) {
                return; // expired: never valid again
            }
            Instant from = c.validFrom;
            if (from != null && at.isBefore(from)) {
                change(from);
                return;
            }
            change(until);
            if (dedupe) {
                for (int i = 0; i < size; i++) {
                    if (zones[i] == c) {
                        return;
                    }
                }
            }
            if (size == zones.length) {
                zones = Arrays.copyOf(zones, size * 2);
            }
            zones[size++] = c;
        }

        /** Orders the matches by {@link CompiledZone#PRECEDENCE}: by their rank in the index. */
        void sortByPrecedence() {
            CompiledZone[] a = zones;
            if (size > 16) {
                Arrays.sort(a, 0, size, BY_RANK);
                return;
            }
            for (int i = 1; i < size; i++) { // insertion sort: few zones
                CompiledZone c = a[i];
                int j = i - 1;
                while (j >= 0 && a[j].rank > c.rank) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = c;
            }
        }
    }

    /** The zones that apply at a position, found with the point grid. */
    void matchOutdoor(double lat, double lon, Matches m) {
        matchOutdoor(lat, lon, m, true);
    }

    /**
     * @param grid whether to find the candidates with the point grid (checks), or with the HPRtree (as
     *        {@link #zonesAt} always did, which keeps its order)
     */
    private void matchOutdoor(double lat, double lon, Matches m, boolean grid) {
        visit(lat, lon, m, grid);
        // the antimeridian: -180 and 180 are one meridian; a zone split there has parts on either side
        if (lon == 180.0 || lon == -180.0) {
            m.dedupe = true;
            visit(lat, -lon, m, grid);
        }
    }

    private void visit(double lat, double lon, Matches m, boolean grid) {
        m.x = lon;
        m.y = lat;
        if (grid) {
            this.grid.query(lon, lat, m);
        } else {
            tree.query(new Envelope(lon, lon, lat, lat), m);
        }
    }

    void matchIndoor(IndoorLocation where, Matches m) {
        List<CompiledZone> venue = indoor.get(new IndoorKey(where.venue(), null, null));
        List<CompiledZone> floor = indoor.get(new IndoorKey(where.venue(), where.floor(), null));
        List<CompiledZone> code = indoor.get(new IndoorKey(where.venue(), where.floor(), where.zoneCode()));
        for (List<CompiledZone> list : Arrays.asList(venue, floor, code)) {
            if (list != null) {
                for (CompiledZone c : list) {
                    m.offer(c);
                }
            }
        }
    }
}
