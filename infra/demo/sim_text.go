package demo

// The words of the simulated field: invented sightings, targets and
// summaries (demo data, like the world).

var observationTexts = []string{
	"Silver Škoda Octavia, Czech plates, three occupants, driving slowly towards the border",
	"Van with foreign plates parked on a forest track, engine running, nobody in sight",
	"Two persons on foot with large backpacks on the hiking trail along the border stones",
	"Car with Austrian plates turned around just before the checkpoint",
	"Motorcycle without number plates seen twice within ten minutes",
	"Group of six persons waiting at the bus stop, no luggage, asked for the way to Passau",
	"Lorry with a loose tarpaulin, driver nervous at the check, papers in order",
	"Drone heard over the forest at low altitude, not visible",
	"Stolen-vehicle hit: black BMW X5, plates reported stolen in Linz, last seen heading north",
	"Hire car with German plates, rented in Prague yesterday, two occupants, no luggage",
	"Fresh tyre tracks on the closed forestry road towards the border",
	"Minibus with eight passengers, driver could not name the destination",
	"Persons loading boxes from a car into a van at the car park of the ski lift",
	"Taxi from Prague with two passengers, fare paid in cash in advance",
	"Abandoned car at the roadside, doors unlocked, no keys, engine still warm",
}

var situationTexts = []string{
	"Patrol as planned; traffic light; no incidents",
	"Checkpoint manned; traffic towards the border heavier than usual",
	"Fog on the ridge, visibility below 100 m; patrol continues at reduced speed",
	"Radio coverage poor in the valley; reports may arrive late",
	"Joint patrol with the partner agency on the crossing; communication good",
	"Snow on the forest roads; the unit keeps to the main road",
}

var pursuitCases = []struct{ offence, target, grounds string }{
	{"Facilitation of unauthorised entry (migrant smuggling)", "Dark-grey Audi A6 estate, failed to stop at the check", "Caught in the act of smuggling four persons across the border"},
	{"Aggravated theft of a motor vehicle", "White Toyota Land Cruiser, reported stolen an hour ago", "Caught driving the stolen vehicle"},
	{"Robbery", "Red Škoda Fabia, two occupants, fled from the petrol station", "Caught in the act of robbing the petrol station cashier"},
	{"Illicit trafficking in narcotic drugs", "Blue VW Golf, driver threw a package out of the window", "Caught in the act of transporting narcotic drugs"},
}

// surveillanceCases name their offences as the demo agreements list them
// (CISA Art. 40(7)), so that an urgent surveillance is within its scope.
var surveillanceCases = []struct{ target, offence string }{
	{"Dark-blue VW Transporter, Czech plates, two occupants", "Drug trafficking"},
	{"Black Mercedes E-Class, Slovak plates, suspected courier of stolen cars", "Receiving stolen goods"},
	{"Grey Ford Transit, suspected to carry untaxed cigarettes", "Serious fraud"},
}

var taskObjectives = []string{
	"Man a checkpoint on %s; report every vehicle with foreign plates turning around",
	"Patrol %s and report unusual traffic towards the border",
	"Observe the parking places along %s for vehicles waiting at night",
	"Support the partner agency's check on %s for two hours",
}

var taskOutcomes = []string{
	"Done; 34 vehicles checked, 2 persons identified, nothing else",
	"Done; one van with undeclared cigarettes handed over to customs",
	"Done; nothing to report",
	"Done; one stolen-vehicle hit, reported separately",
}

var nationalities = []string{"DE", "AT", "CZ", "SK", "PL", "HU", "RO", "UA", "RS"}

// evaluations weights source reliability and information accuracy of
// field observations: mostly usually reliable, probably true.
var evaluations = []string{"A1", "A2", "B2", "B2", "B2", "B3", "C3"}
