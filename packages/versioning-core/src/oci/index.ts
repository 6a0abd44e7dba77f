// The OCI client lives in @modelos/runtime (generated clients pull server packages with it); the engine imports it from here.
export * from '@modelos/runtime/oci';
