package io.robotid.identity.service;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.identity.client.LifecycleGateway;
import io.robotid.identity.domain.HistoryShare;
import io.robotid.identity.repository.HistoryShareRepository;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.security.ServiceToken;
import io.robotid.kit.validation.Violations;
import io.smallrye.mutiny.Uni;

/**
 * Share links to a robot's history report: made by the organisation that owns the robot now (as
 * lifecycle-service says), for a limited time; a link opens the report only until it expires and only
 * while that organisation still owns the robot. Tokens are 32 random bytes, base64url; only their
 * SHA-256 is stored. A refused link says the same whatever the reason, so nobody learns which links exist.
 */
@ApplicationScoped
public class HistoryShares {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);
    public static final Duration MIN_VALIDITY = Duration.ofHours(1);
    public static final Duration MAX_VALIDITY = Duration.ofDays(30);
    public static final int MAX_RECIPIENT = 200;
    static final String CLOSED = "the share link is unknown, expired, or its robot has changed owner";

    private final HistoryShareRepository shares;
    private final LifecycleGateway lifecycle;
    private final ServiceToken serviceToken;
    private final SecureRandom random = new SecureRandom();

    public HistoryShares(HistoryShareRepository shares, LifecycleGateway lifecycle, ServiceToken serviceToken) {
        this.shares = shares;
        this.lifecycle = lifecycle;
        this.serviceToken = serviceToken;
    }

    /** A new link: its token (shown once) and when it stops working. */
    public record Created(String robotId, String token, Instant expiresAt) {
    }

    /** {@code token}: the caller's own, with which lifecycle-service tells it whom the robot belongs to. */
    public Uni<Created> create(CallerIdentity caller, String token, String robotId, long validForSeconds,
            String recipient) {
        if (!caller.has(Role.OPERATOR)) {
            return Uni.createFrom().failure(DomainException.permissionDenied("NOT_THE_OWNER", "only the organisation"
                    + " that owns the robot (role OPERATOR) may share its history"));
        }
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", robotId);
        if (validForSeconds != 0) {
            v.between("valid_for_seconds", validForSeconds, MIN_VALIDITY.toSeconds(), MAX_VALIDITY.toSeconds());
        }
        String to = v.optionalText("recipient", recipient, MAX_RECIPIENT);
        v.throwIfAny();
        String org = caller.orgId().orElse("");
        if (org.isEmpty()) {
            return Uni.createFrom().failure(notOwner(id));
        }
        return owner(token, id.canonical()).chain(owner -> {
            if (!owner.equals(org)) {
                throw notOwner(id);
            }
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            String shareToken = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Instant expires = now.plus(validForSeconds == 0 ? DEFAULT_VALIDITY : Duration.ofSeconds(validForSeconds));
            HistoryShare share = new HistoryShare(hash(shareToken), id.canonical(), org, caller.subject(),
                    to == null ? "" : to, now, expires);
            return shares.insert(share).map(stored -> {
                if (!stored) {
                    throw DomainException.notFound("identity", id.canonical());
                }
                return new Created(id.canonical(), shareToken, expires);
            });
        });
    }

    /** The link, when it opens the report of {@code canonicalId} now; else PERMISSION_DENIED naming {@code share}. */
    public Uni<HistoryShare> open(String canonicalId, String token) {
        if (token == null || !token.matches("[A-Za-z0-9_-]{43}")) {
            return Uni.createFrom().failure(closed());
        }
        return shares.find(hash(token)).chain(found -> {
            // expiry first: an expired link never costs a call to lifecycle-service
            if (found.isEmpty() || !found.get().robotId().equals(canonicalId) || found.get().expiredAt(Instant.now())) {
                throw closed();
            }
            return ownerChangedSince(canonicalId, found.get().createdAt()).map(changed -> {
                if (changed) {
                    throw closed();
                }
                return found.get();
            });
        });
    }

    /**
     * The robot's owner now as lifecycle-service tells the caller (an owner sees its own custody), or
     * empty when it has none or the caller may not know it.
     */
    private Uni<String> owner(String callerToken, String canonicalId) {
        return lifecycle.status(callerToken, canonicalId).map(s -> s.getOwnerOrgId()).onFailure(
                f -> f instanceof StatusRuntimeException sre && (sre.getStatus().getCode() == Status.Code.NOT_FOUND
                        || sre.getStatus().getCode() == Status.Code.PERMISSION_DENIED))
                .recoverWithItem("");
    }

    /**
     * Whether the robot changed owner (SOLD, TRANSFER_ACCEPTED recorded) since {@code since}: the registry may
     * not know custody itself, but it sees which events were recorded when.
     */
    private Uni<Boolean> ownerChangedSince(String canonicalId, Instant since) {
        return serviceToken.get().chain(token -> lifecycle.ownerChanges(token, canonicalId)).map(changes -> {
            if (changes.more()) {
                return true;
            }
            return changes.recordedAt().stream().anyMatch(at -> !at.isBefore(since));
        }).onFailure(f -> f instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.NOT_FOUND)
                .recoverWithItem(false);
    }

    private static DomainException notOwner(RobotId id) {
        return DomainException.permissionDenied("NOT_THE_OWNER", "only the organisation that owns robot " + id.canonical()
                + " now (role OPERATOR, its org_id) may share its history");
    }

    private static DomainException closed() {
        return DomainException.permissionDenied("SHARE_LINK_CLOSED", "share: " + CLOSED);
    }

    static String hash(String token) {
        return Hex.of(Sha256.of(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
