// Values with meaning inside the load balancer's map fields, as compiler/emit/map-layouts.ts
// defines them (SERVICE_FLAGS, SERVICE_KIND, SCOPE, BACKEND_FLAGS, BACKEND_SET).

/** lb_service.flags on slot 0, bits 0-7. */
export const SVC_AFFINITY = 0x0001;
export const SVC_TWO_SCOPES = 0x0002;
export const SVC_LOCAL = 0x0004;
export const SVC_SOURCE_RANGES = 0x0008;
export const SVC_WILDCARD = 0x0010;
export const SVC_ROUTABLE = 0x0020;
export const SVC_NOT_IN_CLUSTER = 0x0040;

/** lb_service.flags >> KIND_SHIFT: the frontend's kind. */
export const KIND_SHIFT = 8;
export const KIND_CLUSTER_IP = 1;
export const KIND_NODE_PORT = 2;
export const KIND_EXTERNAL_IP = 3;
export const KIND_LOAD_BALANCER = 4;
export const KIND_HOST_PORT = 5;

export const SCOPE_EXTERNAL = 0;
export const SCOPE_INTERNAL = 1;

/** lb4_backend.flags / lb6_backend.flags */
export const BACKEND_TERMINATING = 0x01;

/** lb_maglev_key.set */
export const SET_ALL = 0;
export const SET_LOCAL = 1;
