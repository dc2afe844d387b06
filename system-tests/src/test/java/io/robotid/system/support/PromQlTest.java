package io.robotid.system.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {
    @Test
    void namesTheMetricsAndNotTheFunctionsLabelsRangesOrNumbers() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (job, le) (rate(robotid_permission_checks_seconds_bucket"
                + "{job=~\"$job\", verdict!=\"a b\"}[$__rate_interval]))) > 0.05"))
                .containsExactly("robotid_permission_checks_seconds_bucket");
        assertThat(PromQl.metricNames("sum(rate(a_total[5m])) / (sum(rate(a_total[5m])) + sum(rate(b_total[5m])))"))
                .containsExactly("a_total", "b_total");
        assertThat(PromQl.metricNames("delta(x_leaves[10m]) == 0 and delta(y_leaves{job=~\"r-.*\"}[10m]) > 1e3"))
                .containsExactly("x_leaves", "y_leaves");
        assertThat(PromQl.metricNames("max by (job, feed) (lag_seconds) > 300")).containsExactly("lag_seconds");
        assertThat(PromQl.metricNames("up{job=~\"robotid-.*\"} == 0")).containsExactly("up");
        assertThat(PromQl.metricNames("max by (feed) (head) - on (feed) group_right max by (job, feed) (position{job=~\"$job\"})"))
                .containsExactly("head", "position");
    }
}
