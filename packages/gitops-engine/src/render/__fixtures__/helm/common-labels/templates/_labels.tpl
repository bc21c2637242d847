{{- define "common-labels.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
team: {{ .Values.team | default "platform" }}
{{- end -}}
