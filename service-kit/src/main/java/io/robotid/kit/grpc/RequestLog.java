package io.robotid.kit.grpc;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.arc.Arc;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.kit.security.CallerIdentity;

/**
 * One log line per gRPC call when it closes: method, status and milliseconds, with the caller's subject
 * and organisation in the MDC ({@code callerSubject}, {@code callerOrg}) beside the trace id, so a JSON log
 * line says who asked what and how it ended. The permission-check hot path (CheckPermission, StreamChecks,
 * Echo) and health checks are not logged: at tens of thousands a second they would drown the rest; their
 * figures are in the metrics and denials in the audit log. Off with {@code robotid.request-log.enabled=false}.
 */
@GlobalInterceptor
@ApplicationScoped
public class RequestLog implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger("io.robotid.request");
    static final Set<String> NOT_LOGGED = Set.of("CheckPermission", "StreamChecks", "Echo", "Check", "Watch");

    private final boolean enabled;

    public RequestLog(RequestLogConfig config) {
        this.enabled = config.enabled();
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (!enabled || NOT_LOGGED.contains(call.getMethodDescriptor().getBareMethodName())) {
            return next.startCall(call, headers);
        }
        long started = System.nanoTime();
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    log(call.getMethodDescriptor().getFullMethodName(), status, System.nanoTime() - started);
                } finally {
                    super.close(status, trailers);
                }
            }
        }, headers);
    }

    private static void log(String method, Status status, long nanos) {
        CallerIdentity caller = caller();
        MDC.put("callerSubject", caller.subject());
        MDC.put("callerOrg", caller.auditOrganisation());
        try {
            LOG.infof("grpc %s %s %.1f ms by %s%s", method, status.getCode(), nanos / 1e6, caller.subject(),
                    caller.auditOrganisation().isEmpty() ? "" : " (" + caller.auditOrganisation() + ")");
        } finally {
            MDC.remove("callerSubject");
            MDC.remove("callerOrg");
        }
    }

    /** The verified caller of this call, as the call's context holds it (anonymous when none). */
    private static CallerIdentity caller() {
        try {
            var association = Arc.container().instance(CurrentIdentityAssociation.class);
            SecurityIdentity identity = association.isAvailable() ? association.get().getIdentity() : null;
            return identity == null || identity.isAnonymous() ? CallerIdentity.ANONYMOUS : CallerIdentity.from(identity);
        } catch (RuntimeException e) {
            return CallerIdentity.ANONYMOUS; // no request context here: say nothing rather than guess
        }
    }
}
