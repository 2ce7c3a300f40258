{{/*
The service's name: the alias the umbrella chart gives this chart (gateway, intake, ...).
Helm renames an aliased chart to its alias, so .Chart.Name is already that alias.
*/}}
{{- define "service.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name: release name + "-" + service name, cut to the 63 characters DNS names allow.
Release "veilig-thuis" gives veilig-thuis-intake, the host the gateway is configured with.
*/}}
{{- define "service.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels. The version label is the chart's appVersion: image tags set by skaffold
("tag@sha256:...") are not valid label values.
*/}}
{{- define "service.labels" -}}
helm.sh/chart: {{ include "service.chart" . }}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: veilig-thuis
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: name and instance only, because a Deployment's selector cannot change.
*/}}
{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the pods run as.
*/}}
{{- define "service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- include "service.fullname" . }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/*
"true" when this service gets a Dapr sidecar: its own dapr.enabled, unless the umbrella's
global.dapr.enabled is explicitly false (then there is no pub/sub component either).
*/}}
{{- define "service.daprEnabled" -}}
{{- $global := get (.Values.global | default dict) "dapr" | default dict }}
{{- if and .Values.dapr.enabled (or (not (hasKey $global "enabled")) $global.enabled) }}true{{ end }}
{{- end }}
