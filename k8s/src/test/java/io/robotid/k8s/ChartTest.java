package io.robotid.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart, linted and rendered by Helm itself (helm-java), and the manifests read with the
 * fabric8 model: what a cluster operator would install, checked against DESIGN.md section 3.
 */
class ChartTest {
    static final Path CHART = Path.of("robotid");
    static final Path PRODUCTION = Path.of("values-production.yaml");
    static final Set<String> ALL = Set.of("filing", "identity", "lifecycle", "certification", "geofence");
    static final Set<String> EXISTING = ALL;

    /** Who calls whom (DESIGN.md section 3, and the references lifecycle checks with filing). */
    static final Set<String> CALL_GRAPH = Set.of(
            "identity->filing", "identity->lifecycle", "identity->certification", "identity->geofence",
            "lifecycle->identity", "lifecycle->filing",
            "certification->filing", "certification->identity", "certification->lifecycle",
            "geofence->lifecycle", "geofence->certification", "geofence->filing");

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static List<HasMetadata> render(UnaryOperator<TemplateCommand> options) {
        String manifests = options.apply(new Helm(CHART).template().withName("robotid").withNamespace("registry"))
                .call();
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                resources.add(YAML.unmarshal(document, HasMetadata.class));
            }
        }
        return resources;
    }

    static List<HasMetadata> defaults() {
        return render(c -> c);
    }

    static List<HasMetadata> production() {
        return render(c -> c.withValuesFile(PRODUCTION));
    }

    static <T extends HasMetadata> List<T> of(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static String component(HasMetadata resource) {
        return resource.getMetadata().getLabels().get("app.kubernetes.io/component");
    }

    @Test
    void lintsStrictlyAndRendersWithDefaultAndProductionValues() {
        LintResult defaults = new Helm(CHART).lint().strict().call();
        assertThat(defaults.isFailed()).as(String.join("\n", defaults.getMessages())).isFalse();
        // helm-java's lint takes no values file; production values are rendered (and schema-checked) below.
        assertThat(production()).isNotEmpty();
    }

    @Test
    void defaultValuesInstallTheServicesThatExist() {
        List<HasMetadata> resources = defaults();
        for (Class<? extends HasMetadata> kind : List.of(Deployment.class, Service.class, ServiceAccount.class,
                PodDisruptionBudget.class)) {
            assertThat(of(resources, kind)).extracting(ChartTest::component).as(kind.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(EXISTING);
        }
        assertThat(of(resources, HorizontalPodAutoscaler.class)).extracting(ChartTest::component)
                .containsExactlyInAnyOrder("lifecycle", "geofence");
        assertThat(resources).noneMatch(r -> r instanceof GenericKubernetesResource);
    }

    @Test
    void productionValuesInstallEveryServiceWithAutoscalingWhereAskedAndCloudNativePg() {
        List<HasMetadata> resources = production();
        assertThat(of(resources, Deployment.class)).extracting(ChartTest::component)
                .containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(of(resources, HorizontalPodAutoscaler.class)).extracting(ChartTest::component)
                .containsExactlyInAnyOrder("lifecycle", "geofence");
        for (Deployment d : of(resources, Deployment.class)) {
            boolean scaled = Set.of("lifecycle", "geofence").contains(component(d));
            assertThat(d.getSpec().getReplicas()).as(component(d)).isEqualTo(scaled ? null : 3);
        }
        List<GenericKubernetesResource> cnpg = of(resources, GenericKubernetesResource.class);
        assertThat(cnpg).filteredOn(r -> r.getKind().equals("Cluster")).hasSize(1);
        assertThat(cnpg).filteredOn(r -> r.getKind().equals("Database")).hasSize(5)
                .extracting(r -> String.valueOf(((Map<?, ?>) r.getAdditionalProperties().get("spec")).get("name")))
                .containsExactlyInAnyOrder("robotid_filing", "robotid_identity", "robotid_lifecycle",
                        "robotid_certification", "robotid_geofence");
        Deployment filing = of(resources, Deployment.class).stream().filter(d -> component(d).equals("filing"))
                .findFirst().orElseThrow();
        Map<String, EnvVar> env = env(filing.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(env.get("ROBOTID_DB_HOST").getValue()).isEqualTo("robotid-db-rw");
        assertThat(env.get("ROBOTID_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("robotid-db-app");
        assertThat(env.get("ROBOTID_OTLP_ENDPOINT").getValue()).startsWith("http://otel-collector");
    }

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void everyPodIsHardenedAndProbedOnRealHealthPaths(boolean productionValues) {
        List<HasMetadata> resources = productionValues ? production() : defaults();
        for (Deployment deployment : of(resources, Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getServiceAccountName()).isEqualTo(deployment.getMetadata().getName());
            for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getPrivileged()).isFalse();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(path(container.getStartupProbe())).isEqualTo("/q/health/started");
                assertThat(path(container.getLivenessProbe())).isEqualTo("/q/health/live");
                assertThat(path(container.getReadinessProbe())).isEqualTo("/q/health/ready");
                assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
                        .containsExactly("http:8080");
                assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
                assertThat(container.getImage()).endsWith("/" + component(deployment) + "-service:0.1.0");
            }
        }
    }

    @Test
    void everyServiceSizesItsHeapFromItsContainerLimitWithAMemoryLimitSet() {
        for (Deployment d : of(production(), Deployment.class)) {
            var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getResources().getLimits()).as(component(d)).containsKey("memory");
            String options = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst()
                    .orElseThrow().getValue();
            assertThat(options).as(component(d)).contains("-XX:MaxRAMPercentage=").contains("-XX:+UseSerialGC")
                    .doesNotContain("-Xmx");
        }
    }

    @Test
    void selectorsMatchLabelsAndEveryResourceCarriesTheStandardLabels() {
        List<HasMetadata> resources = production();
        for (HasMetadata resource : resources) {
            assertThat(resource.getMetadata().getLabels()).as(resource.getKind() + " " + resource.getMetadata().getName())
                    .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/part-of",
                            "app.kubernetes.io/managed-by");
        }
        Map<String, Map<String, String>> podLabels = of(resources, Deployment.class).stream().collect(Collectors.toMap(
                ChartTest::component, d -> d.getSpec().getTemplate().getMetadata().getLabels()));
        for (Deployment d : of(resources, Deployment.class)) {
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        }
        for (Service s : of(resources, Service.class)) {
            assertThat(podLabels.get(component(s))).containsAllEntriesOf(s.getSpec().getSelector());
            assertThat(s.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("http:8080");
            // no other service's pods are selected
            podLabels.forEach((other, labels) -> {
                if (!other.equals(component(s))) {
                    assertThat(labels.entrySet().containsAll(s.getSpec().getSelector().entrySet())).as(other).isFalse();
                }
            });
        }
        for (PodDisruptionBudget pdb : of(resources, PodDisruptionBudget.class)) {
            assertThat(podLabels.get(component(pdb))).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        }
        for (HorizontalPodAutoscaler hpa : of(resources, HorizontalPodAutoscaler.class)) {
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("robotid-" + component(hpa));
        }
    }

    @Test
    void networkPoliciesDenyByDefaultAndAllowExactlyTheCallGraph() {
        List<HasMetadata> resources = production();
        List<NetworkPolicy> policies = of(resources, NetworkPolicy.class);
        NetworkPolicy deny = policies.stream().filter(p -> p.getMetadata().getName().endsWith("default-deny"))
                .findFirst().orElseThrow();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        assertThat(deny.getSpec().getEgress()).isNullOrEmpty();

        Set<String> ingressEdges = new HashSet<>();
        Set<String> egressEdges = new HashSet<>();
        for (NetworkPolicy policy : policies) {
            if (policy == deny) {
                continue;
            }
            String target = policy.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
            policy.getSpec().getIngress().forEach(rule -> rule.getFrom().stream().map(ChartTest::peerComponent)
                    .filter(p -> p != null).forEach(from -> ingressEdges.add(from + "->" + target)));
            policy.getSpec().getEgress().forEach(rule -> rule.getTo().stream().map(ChartTest::peerComponent)
                    .filter(p -> p != null).forEach(to -> egressEdges.add(target + "->" + to)));
        }
        assertThat(ingressEdges).containsExactlyInAnyOrderElementsOf(CALL_GRAPH);
        assertThat(egressEdges).containsExactlyInAnyOrderElementsOf(CALL_GRAPH);

        // With a service disabled, its edges go with it.
        Set<String> existingEdges = new HashSet<>();
        for (NetworkPolicy policy : of(render(c -> c.set("services.geofence.enabled", "false")), NetworkPolicy.class)) {
            if (policy.getSpec().getPodSelector().getMatchLabels().containsKey("app.kubernetes.io/component")) {
                String target = policy.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
                policy.getSpec().getIngress().forEach(rule -> rule.getFrom().stream().map(ChartTest::peerComponent)
                        .filter(p -> p != null).forEach(from -> existingEdges.add(from + "->" + target)));
            }
        }
        assertThat(existingEdges).containsExactlyInAnyOrder("identity->filing", "identity->lifecycle",
                "identity->certification", "lifecycle->identity", "lifecycle->filing", "certification->filing",
                "certification->identity", "certification->lifecycle");
    }

    @Test
    void noSecretValueIsRenderedInPlainText() {
        for (List<HasMetadata> resources : List.of(defaults(), production())) {
            assertThat(resources).noneMatch(r -> r.getKind().equals("Secret") || r.getKind().equals("ConfigMap"));
            for (Deployment d : of(resources, Deployment.class)) {
                for (EnvVar var : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
                    if (var.getName().matches(".*(PASSWORD|USER|SECRET|TOKEN|KEY)$")) {
                        assertThat(var.getValue()).as(var.getName()).isNull();
                        assertThat(var.getValueFrom().getSecretKeyRef()).as(var.getName()).isNotNull();
                    }
                }
            }
        }
        for (List<HasMetadata> resources : List.of(defaults(), production())) {
            Deployment certification = of(resources, Deployment.class).stream()
                    .filter(d -> component(d).equals("certification")).findFirst().orElseThrow();
            Map<String, EnvVar> env = env(certification.getSpec().getTemplate().getSpec().getContainers().get(0));
            assertThat(env.get("ROBOTID_REGISTRY_CLIENT_ID").getValue()).isEqualTo("robotid-registry-service");
            assertThat(env.get("ROBOTID_REGISTRY_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("robotid-registry-client");
        }
        Deployment identity = of(defaults(), Deployment.class).stream().filter(d -> component(d).equals("identity"))
                .findFirst().orElseThrow();
        assertThat(identity.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("robotid-identity-signing-keys"));
        assertThat(env(identity.getSpec().getTemplate().getSpec().getContainers().get(0)).get("ROBOTID_SIGNING_GENERATE")
                .getValue()).isEqualTo("false");
        assertThat(env(identity.getSpec().getTemplate().getSpec().getContainers().get(0)).get("ROBOTID_PUBLIC_BASE_URL")
                .getValue()).isEqualTo("https://robots.example.org");
        // geofence signs receipts and bundles with its own keys, never identity's
        Deployment geofence = of(defaults(), Deployment.class).stream().filter(d -> component(d).equals("geofence"))
                .findFirst().orElseThrow();
        assertThat(geofence.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("robotid-geofence-signing-keys"))
                .noneMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("robotid-identity-signing-keys"));
        Map<String, EnvVar> geofenceEnv = env(geofence.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(geofenceEnv.get("ROBOTID_GEOFENCE_SIGNING_GENERATE").getValue()).isEqualTo("false");
        assertThat(geofenceEnv.get("ROBOTID_REGISTRY_CLIENT_SECRET").getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("robotid-registry-client");
    }

    @Test
    void theSchemaRefusesWrongValues() {
        for (Map.Entry<String, Object> wrong : List.<Map.Entry<String, Object>>of(
                Map.entry("serviceDefaults.replicas", 0),
                Map.entry("database.mode", "mysql"),
                Map.entry("database.external.port", 70000),
                Map.entry("database.external.password", "hunter2"),
                Map.entry("oidc.issuer", "not a url"),
                Map.entry("image.tag", "bad tag!"),
                Map.entry("services.geofence.calls[0]", "billing"),
                Map.entry("services.lifecycle.autoscaling.targetCPUUtilizationPercentage", 150),
                Map.entry("services.filing.database", "Robot-ID"),
                Map.entry("unknownTopLevel", true))) {
            assertThatThrownBy(() -> render(c -> c.set(wrong.getKey(), wrong.getValue())))
                    .as(wrong.getKey() + "=" + wrong.getValue()).hasMessageContaining("schema");
        }
    }

    private static String peerComponent(NetworkPolicyPeer peer) {
        if (peer.getPodSelector() == null || peer.getNamespaceSelector() != null) {
            return null;
        }
        return peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component");
    }

    private static String path(Probe probe) {
        assertThat(probe).isNotNull();
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        return probe.getHttpGet().getPath();
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, v -> v));
    }
}
