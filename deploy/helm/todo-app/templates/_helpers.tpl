{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "todo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped name: <release>-<chart> unless the release name already contains it. */}}
{{- define "todo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "todo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "todo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo-app
{{- end -}}

{{/* Selector labels of one role; call with (dict "root" $ "role" "api"). */}}
{{- define "todo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "todo.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "todo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "todo.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The roles, in a fixed order (packages/config ROLES). */}}
{{- define "todo.roleNames" -}}
api mcp notifier mailer recurring
{{- end -}}

{{/* Dapr app-ids of the enabled roles, comma-separated (scopes of the Dapr resources). */}}
{{- define "todo.appIds" -}}
{{- $ids := list -}}
{{- range $name := splitList " " (include "todo.roleNames" .) -}}
{{- $r := index $.Values.roles $name -}}
{{- if $r.enabled -}}{{- $ids = append $ids $r.appId -}}{{- end -}}
{{- end -}}
{{- join "," $ids -}}
{{- end -}}

{{- define "todo.daprConfigName" -}}
{{- printf "%s-dapr" (include "todo.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Where components read their secretKeyRefs: on Kubernetes the built-in `kubernetes` store
(resolved by the Dapr operator), self-hosted the chart's own secret store component.
*/}}
{{- define "todo.componentSecretStore" -}}
{{- if eq .Values.dapr.secretstore.type "kubernetes" -}}kubernetes{{- else -}}{{ .Values.dapr.secretstore.name }}{{- end -}}
{{- end -}}

{{/* Consistency checks the schema cannot express. Included by every template that needs it. */}}
{{- define "todo.validate" -}}
{{- if and .Values.useDapr (not .Values.dapr.enabled) -}}
{{- fail "useDapr=true needs dapr.enabled=true (the app talks to its Dapr sidecar)" -}}
{{- end -}}
{{- if and .Values.dapr.enabled (eq .Values.dapr.pubsub.type "kafka") (eq .Values.dapr.pubsub.kafka.authType "password") (not .Values.secrets.kafka.existingSecret) -}}
{{- fail "dapr.pubsub.kafka.authType=password needs secrets.kafka.existingSecret (a Secret with the SASL username and password)" -}}
{{- end -}}
{{- if and .Values.dapr.enabled (eq .Values.dapr.secretstore.type "local.file") (not .Values.dapr.secretstore.localFile.secretsFile) -}}
{{- fail "dapr.secretstore.type=local.file needs dapr.secretstore.localFile.secretsFile" -}}
{{- end -}}
{{- if or (eq (int .Values.config.metricsPort) (int .Values.config.port)) (and .Values.dapr.enabled (eq (int .Values.config.metricsPort) (int .Values.dapr.metricsPort))) -}}
{{- fail "config.metricsPort must differ from config.port and dapr.metricsPort (they share the pod's network)" -}}
{{- end -}}
{{- if not (include "todo.appIds" .) -}}
{{- fail "every role is disabled (roles.*.enabled): nothing to deploy" -}}
{{- end -}}
{{- end -}}
