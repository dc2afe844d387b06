{{/* Names and labels shared by every resource of the chart. */}}

{{- define "robotid.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Host name of one service's Kubernetes Service, e.g. robotid-filing. Args: root, service key. */}}
{{- define "robotid.serviceHost" -}}
{{- printf "%s-%s" (include "robotid.fullname" .root) .key -}}
{{- end -}}

{{- define "robotid.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .key }}
{{- end -}}

{{- define "robotid.labels" -}}
{{ include "robotid.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: robotid
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* One service's settings: serviceDefaults overlaid with its own values. Args: root, key. */}}
{{- define "robotid.settings" -}}
{{- $svc := index .root.Values.services .key -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) $svc) -}}
{{- end -}}

{{/* The database host and credentials Secret, for either database mode. */}}
{{- define "robotid.databaseHost" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}
{{- printf "%s-db-rw" (include "robotid.fullname" .) -}}
{{- else -}}
{{- .Values.database.external.host -}}
{{- end -}}
{{- end -}}

{{- define "robotid.databasePort" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}5432{{- else -}}{{ .Values.database.external.port }}{{- end -}}
{{- end -}}

{{- define "robotid.databaseSecret" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}
{{- printf "%s-db-app" (include "robotid.fullname" .) -}}
{{- else -}}
{{- .Values.database.external.credentialsSecret -}}
{{- end -}}
{{- end -}}

{{- define "robotid.databaseUsernameKey" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}username{{- else -}}{{ .Values.database.external.usernameKey }}{{- end -}}
{{- end -}}

{{- define "robotid.databasePasswordKey" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}password{{- else -}}{{ .Values.database.external.passwordKey }}{{- end -}}
{{- end -}}

{{/* Selector labels of one witness (component "witness", robotid.io/witness its name). Args: root, name. */}}
{{- define "robotid.witnessSelectorLabels" -}}
{{ include "robotid.selectorLabels" (dict "root" .root "key" "witness") }}
robotid.io/witness: {{ .name }}
{{- end -}}

{{- define "robotid.witnessLabels" -}}
{{ include "robotid.labels" (dict "root" .root "key" "witness") }}
robotid.io/witness: {{ .name }}
{{- end -}}
