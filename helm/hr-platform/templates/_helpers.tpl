{{/* Names, labels and the checks every render runs. */}}

{{- define "hr-platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hr-platform.fullname" -}}
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

{{/* Room for a suffix such as "-migrate" within the 63-character name limit. */}}
{{- define "hr-platform.migrateName" -}}
{{- printf "%s-migrate" (include "hr-platform.fullname" . | trunc 55 | trimSuffix "-") -}}
{{- end -}}

{{- define "hr-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hr-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hr-platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "hr-platform.labels" -}}
helm.sh/chart: {{ include "hr-platform.chart" . }}
{{ include "hr-platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hr-platform
{{- end -}}

{{/* The API pods; the component keeps migration pods out of the Service and PDB. */}}
{{- define "hr-platform.apiSelectorLabels" -}}
{{ include "hr-platform.selectorLabels" . }}
app.kubernetes.io/component: api
{{- end -}}

{{- define "hr-platform.migrateSelectorLabels" -}}
{{ include "hr-platform.selectorLabels" . }}
app.kubernetes.io/component: migrate
{{- end -}}

{{- define "hr-platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hr-platform.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "hr-platform.migrateServiceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- include "hr-platform.migrateName" . -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "hr-platform.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The image's non-root user; the Dockerfile creates it with this UID and GID. */}}
{{- define "hr-platform.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "hr-platform.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Environment variables read from existing Secrets, as a YAML list:
(dict "root" . "api" true) for the API pods, "api" false for the migration Job, which
needs only the database credentials.
*/}}
{{- define "hr-platform.secretEnv" -}}
{{- $v := .root.Values -}}
{{- if not $v.secrets.databaseUrl.existingSecret -}}
{{- fail "secrets.databaseUrl.existingSecret is required: the Secret holding DATABASE_URL (the owner role)" -}}
{{- end -}}
{{- if not (or $v.secrets.appDatabaseUrl.existingSecret $v.secrets.appDbPassword.existingSecret) -}}
{{- fail "set secrets.appDatabaseUrl or secrets.appDbPassword: the request role needs credentials of its own" -}}
{{- end -}}
{{- $refs := list (list "DATABASE_URL" $v.secrets.databaseUrl) (list "APP_DATABASE_URL" $v.secrets.appDatabaseUrl) (list "HR_APP_DB_PASSWORD" $v.secrets.appDbPassword) -}}
{{- if .api -}}
{{- $refs = append $refs (list "REDIS_URL" $v.secrets.redisUrl) -}}
{{- $refs = append $refs (list "HR_TRUSTED_ISSUERS" $v.secrets.trustedIssuers) -}}
{{- range $v.secrets.extra -}}
{{- $refs = append $refs (list .env .) -}}
{{- end -}}
{{- end -}}
{{- $env := list -}}
{{- range $refs -}}
{{- $ref := index . 1 -}}
{{- if $ref.existingSecret -}}
{{- $env = append $env (dict "name" (index . 0) "valueFrom" (dict "secretKeyRef" (dict "name" $ref.existingSecret "key" $ref.key))) -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
Render-time checks that keep a rollout from wedging or overloading PostgreSQL.
Each API pod holds at most 2 x dbPoolSize request connections (pool + overflow),
4 owner connections and 1 LISTEN connection (subscriptions); the migration Job at most 4.
*/}}
{{- define "hr-platform.checks" -}}
{{- $grace := int .Values.terminationGracePeriodSeconds -}}
{{- $needed := add (int .Values.lifecycle.preStopSleepSeconds) (int .Values.config.shutdownGraceSeconds) 5 -}}
{{- if lt $grace $needed -}}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be at least preStopSleepSeconds + config.shutdownGraceSeconds + 5 (%d)" $grace $needed) -}}
{{- end -}}
{{- $pods := int .Values.replicaCount -}}
{{- $minPods := int .Values.replicaCount -}}
{{- if .Values.autoscaling.enabled -}}
{{- $pods = int .Values.autoscaling.maxReplicas -}}
{{- $minPods = int .Values.autoscaling.minReplicas -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- if $pdb.enabled -}}
{{- $hasMin := not (kindIs "invalid" $pdb.minAvailable) -}}
{{- if and $hasMin (not (kindIs "string" $pdb.minAvailable)) -}}
{{- if ge (int $pdb.minAvailable) $minPods -}}
{{- fail (printf "podDisruptionBudget.minAvailable (%d) must be below the minimum replica count (%d), or no node could ever be drained" (int $pdb.minAvailable) $minPods) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $max := int .Values.database.maxConnections -}}
{{- if gt $max 0 -}}
{{- $perPod := add (mul 2 (int .Values.config.dbPoolSize)) 5 -}}
{{- $peakPods := add $pods (int .Values.rollingUpdate.maxSurge) -}}
{{- $budget := add (mul $peakPods $perPod) 4 -}}
{{- $available := sub $max (int .Values.database.reservedConnections) -}}
{{- if gt $budget $available -}}
{{- fail (printf "connection budget exceeded: %d pods x %d connections + 4 (migration) = %d > max_connections %d - %d reserved; lower config.dbPoolSize or the replica count, or put PgBouncer in front (docs/scaling.md)" $peakPods $perPod $budget $max (int .Values.database.reservedConnections)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Egress rules: (list .Values.networkPolicy.egress includeAppPeers). A destination list
left empty renders no rule, because an empty `to` in a NetworkPolicy means anywhere.
*/}}
{{- define "hr-platform.egressRules" -}}
{{- $egress := index . 0 -}}
{{- $app := index . 1 -}}
- to:
    {{- toYaml $egress.dns | nindent 4 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- if not $egress.postgres.to }}
{{- fail "networkPolicy.egress.postgres.to must list where PostgreSQL is" }}
{{- end }}
- to:
    {{- toYaml $egress.postgres.to | nindent 4 }}
  ports:
    - port: {{ $egress.postgres.port }}
      protocol: TCP
{{- if $app }}
{{- range $name := list "redis" "identityProviders" "otlp" }}
{{- $rule := index $egress $name }}
{{- if $rule.to }}
- to:
    {{- toYaml $rule.to | nindent 4 }}
  ports:
    - port: {{ $rule.port }}
      protocol: TCP
{{- end }}
{{- end }}
{{- with $egress.extra }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end -}}
