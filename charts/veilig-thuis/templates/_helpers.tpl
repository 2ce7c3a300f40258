{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "veilig-thuis.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of the umbrella's own resources (the services label theirs in charts/service).
*/}}
{{- define "veilig-thuis.labels" -}}
helm.sh/chart: {{ include "veilig-thuis.chart" . }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: veilig-thuis
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The services, in the order of Chart.yaml.
*/}}
{{- define "veilig-thuis.services" -}}
gateway intake register triage diensten overdracht monitoring
{{- end }}
