# quorum.etcd: make lab (a real 3-member cluster in local containers), make test (everything).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
COLLECTION_LINK := .cache/collections/ansible_collections/quorum/etcd
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.cache/collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
# The tests' Pythons load tests/site/sitecustomize.py: Ansible's controller freezes its objects across each fork
# (a tenth less of its CPU). Not for make lab or the benchmarks, which run Ansible as its users do.
TESTS := test unit oldest sanity preflight packaging lint monitoring integration lab-tests molecule molecule-scenarios
$(TESTS): export PYTHONPATH := $(CURDIR)/tests/site
ETCDCTL := /etc/etcd/etcdctl.sh

.PHONY: help venv lab lab-down test unit oldest sanity preflight packaging lint monitoring integration lab-tests molecule molecule-scenarios bench-deploy build

help:
	@echo "make lab       deploy a 3-member etcd cluster into local containers (etcd-lab-1..3)"
	@echo "make lab-down  remove the lab containers, networks and mirror"
	@echo "make test      everything: unit, sanity, lint, integration, lab and molecule tests"

$(BIN)/ansible-playbook: requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

venv: $(BIN)/ansible-playbook $(COLLECTION_LINK)

lab: venv
	bash lab/testbed up
	ansible-playbook playbooks/cluster.yml -i inventories/lab
	docker exec etcd-lab-1 $(ETCDCTL) endpoint status --cluster -w table

lab-down:
	bash lab/testbed down

unit: venv
	pytest -q tests/unit

# The unit and playbook tests again with the oldest ansible-core supported (tests/requirements-oldest.txt).
OLDEST := .cache/oldest
$(OLDEST)/bin/pytest: tests/requirements-oldest.txt
	python3 -m venv $(OLDEST)
	$(OLDEST)/bin/pip install --quiet --upgrade pip
	$(OLDEST)/bin/pip install --quiet -r tests/requirements-oldest.txt
	touch $@

oldest: venv $(OLDEST)/bin/pytest
	PATH=$(CURDIR)/$(OLDEST)/bin:$$PATH $(OLDEST)/bin/pytest -q -p no:cacheprovider -m "not tooling" tests/unit tests/playbooks

# ansible-test sanity, offline, with no ignore file (its own pinned tools, in .cache/sanity).
sanity: venv
	bash tests/sanity/run

preflight: venv
	pytest -q --durations=10 -m "not tooling" tests/playbooks

# The built tarball by the packaging tools of the newest ansible-core (galaxy-importer, ansible-builder,
# antsibull-changelog).
packaging: venv
	pytest -q --durations=5 -m tooling tests/playbooks

lint: venv
	ansible-lint

# The alert rules, by Debian's promtool (lab/testbed prometheus unpacks it into .cache/prometheus).
PROMETHEUS := .cache/prometheus
$(PROMETHEUS)/promtool:
	bash lab/testbed prometheus

monitoring: $(PROMETHEUS)/promtool
	$(PROMETHEUS)/promtool check rules roles/etcd_monitoring/files/etcd-alerts.yml
	$(PROMETHEUS)/promtool test rules tests/monitoring/etcd-alerts.test.yml

integration: venv
	bash lab/testbed binaries
	pytest -q --durations=10 tests/integration

# Refusals and rolling flows under a write load, on a 3-member lab of their own (etcd-test-1..3).
lab-tests: venv $(PROMETHEUS)/promtool
	bash lab/testbed all
	pytest -q --durations=30 tests/lab

# Each scenario on one Debian release (the etcd it runs does not depend on it): one member (etcd 3.4 from an
# archive, authentication on) and three (on IPv6, metrics over TLS read by Prometheus) on Debian 12, five members
# from Debian's own package as a Kubernetes control plane's etcd on Debian 13.
molecule: venv $(PROMETHEUS)/promtool
	bash lab/testbed all
	$(MAKE) --no-print-directory molecule-scenarios

molecule-scenarios:
	MOLECULE_IMAGE=bookworm molecule test -s single
	MOLECULE_IMAGE=bookworm molecule test -s cluster
	MOLECULE_IMAGE=bookworm molecule test -s srv
	molecule test -s five

# What needs no containers first (it stops a broken change soonest), the modules' tests (which mostly wait on their
# etcd processes) beside the others of that kind (their output follows theirs); then the lab tests, with the
# molecule scenarios, the oldest ansible-core's run, lint and the packaging checks beside them at a lower CPU
# priority (nice): the lab's flows, timed by their write loads, keep the CPU they need and the others take what the
# lab leaves idle (a quarter of it, measured).
test: venv
	@$(MAKE) --no-print-directory integration > .cache/integration.log 2>&1 & integration=$$!; \
	if $(MAKE) --no-print-directory unit sanity preflight monitoring; then others=0; else others=$$?; fi; \
	if wait $$integration; then status=0; else status=$$?; fi; \
	cat .cache/integration.log; [ $$others -eq 0 ] && [ $$status -eq 0 ]
	bash lab/testbed all
	@nice -n 10 $(MAKE) --no-print-directory --keep-going molecule-scenarios oldest lint packaging > .cache/beside-lab.log 2>&1 & beside=$$!; \
	if $(MAKE) --no-print-directory lab-tests; then others=0; else others=$$?; fi; \
	if wait $$beside; then status=0; else status=$$?; fi; \
	cat .cache/beside-lab.log; [ $$others -eq 0 ] && [ $$status -eq 0 ]

bench-deploy: venv
	bench/deploy

build: venv
	ansible-galaxy collection build --force --output-path .cache/build
