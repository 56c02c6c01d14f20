import { Chart } from "cdk8s";
import type { Construct } from "constructs";
import { k8sNames } from "../model/names";

export interface PlatformChartProps {
  /** Cluster the chart's manifests are applied to (dist/<cluster>/). */
  cluster: string;
  /** GitOps component (dist/<cluster>/<component>/). */
  component: string;
  /** Platform name, for the part-of label. */
  platform: string;
}

/**
 * One chart per cluster and component (never per service: cdk8s synthesis cost grows with the
 * number of charts). Names are never hashed; every object carries the platform's labels.
 */
export class PlatformChart extends Chart {
  readonly cluster: string;
  readonly component: string;

  constructor(scope: Construct, props: PlatformChartProps) {
    super(scope, k8sNames.chartId(props.cluster, props.component), {
      disableResourceNameHashes: true,
      labels: { "app.kubernetes.io/managed-by": "vault-eks-platform", "app.kubernetes.io/part-of": props.platform },
    });
    this.cluster = props.cluster;
    this.component = props.component;
  }
}
