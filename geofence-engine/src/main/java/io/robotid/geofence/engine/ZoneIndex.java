package io.robotid.geofence.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
 * per query), a prepared geometry per zone and the indoor zones by venue, floor and zone code,
 * under one policy version. Built once per policy change and swapped atomically ({@link ZoneIndexRef});
 * safe for any number of concurrent checks.
 */
public final class ZoneIndex {

    private final long policyVersion;
    private final List<Zone> zones;
    private final List<Grant> grants;
    private final Map<String, CompiledZone> byId;
    private final HPRtree tree;
    private final Map<IndoorKey, List<CompiledZone>> indoor;

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
        Map<String, CompiledZone> ids = new HashMap<>();
        Map<IndoorKey, List<CompiledZone>> in = new HashMap<>();
        HPRtree t = new HPRtree();
        for (Zone z : zones) {
            CompiledZone c = new CompiledZone(z, grantsByZone.getOrDefault(z.id(), List.of()));
            ids.put(z.id(), c);
            if (z.geometry() instanceof ZoneGeometry.Indoor i) {
                in.computeIfAbsent(new IndoorKey(i.venue(), i.floor(), i.zoneCode()), k -> new ArrayList<>()).add(c);
            } else {
                t.insert(c.envelope, c);
            }
        }
        t.build();
        in.replaceAll((k, list) -> List.copyOf(list));
        this.byId = Map.copyOf(ids);
        this.indoor = Map.copyOf(in);
        this.tree = t;
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
            if (c.prepared.intersects(boxGeometry)) {
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

    /** The zones a position is in (covers: boundary included) that are valid at the instant. */
    public List<Zone> zonesAt(double lat, double lon, Instant at) {
        Matches m = new Matches(at, null);
        matchOutdoor(lat, lon, m);
        List<Zone> out = new ArrayList<>(m.zones.size());
        m.zones.forEach(c -> out.add(c.zone));
        return out;
    }

    /** Zones that apply at a place and instant, and the earliest later instant a zone's validity changes. */
    static final class Matches {
        final Instant at;
        Instant nextChange;
        final List<CompiledZone> zones = new ArrayList<>(4);
        /** Set when one place is looked up twice (+/-180), so that a zone is not listed twice. */
        boolean dedupe;

        Matches(Instant at, Instant horizon) {
            this.at = at;
            this.nextChange = horizon;
        }

        void change(Instant when) {
            if (when != null && when.isAfter(at) && (nextChange == null || when.isBefore(nextChange))) {
                nextChange = when;
            }
        }

        void offer(CompiledZone c) {
            Zone z = c.zone;
            if (z.validUntil() != null && !at.isBefore(z.validUntil())) {
                return; // expired: never valid again
            }
            if (z.validFrom() != null && at.isBefore(z.validFrom())) {
                change(z.validFrom());
                return;
            }
            change(z.validUntil());
            if (!dedupe || !zones.contains(c)) {
                zones.add(c);
            }
        }
    }

    void matchOutdoor(double lat, double lon, Matches m) {
        visit(lat, lon, m);
        // the antimeridian: -180 and 180 are one meridian; a zone split there has parts on either side
        if (lon == 180.0 || lon == -180.0) {
            m.dedupe = true;
            visit(lat, -lon, m);
        }
    }

    private void visit(double lat, double lon, Matches m) {
        ItemVisitor visitor = item -> {
            CompiledZone c = (CompiledZone) item;
            if (c.covers(lon, lat)) {
                m.offer(c);
            }
        };
        tree.query(new Envelope(lon, lon, lat, lat), visitor);
    }

    void matchIndoor(IndoorLocation where, Matches m) {
        List<CompiledZone> venue = indoor.get(new IndoorKey(where.venue(), null, null));
        List<CompiledZone> floor = indoor.get(new IndoorKey(where.venue(), where.floor(), null));
        List<CompiledZone> code = indoor.get(new IndoorKey(where.venue(), where.floor(), where.zoneCode()));
        for (List<CompiledZone> list : java.util.Arrays.asList(venue, floor, code)) {
            if (list != null) {
                for (CompiledZone c : list) {
                    m.offer(c);
                }
            }
        }
    }
}
