package httpapi

// routes lists every /v1 endpoint, grouped by aggregate. The order is the
// order of docs/API.md.
func (a *api) routes() []route {
	var rs []route
	rs = append(rs, a.referenceRoutes()...)
	rs = append(rs, a.operationRoutes()...)
	rs = append(rs, a.commandStructureRoutes()...)
	rs = append(rs, a.taskRoutes()...)
	rs = append(rs, a.fieldLogRoutes()...)
	rs = append(rs, a.readRoutes()...)
	rs = append(rs, a.agreementRoutes()...)
	rs = append(rs, a.historyRoutes()...)
	rs = append(rs, a.complianceRoutes()...)
	rs = append(rs, a.auditRoutes()...)
	return rs
}
