-- icp_version_criteria: the criteria of every version the back-test scores. The written versions
-- of icp_criteria with their status (09_icp_fit.sql), and the proposed version: the suggested
-- values, at most proposal_max_criteria by lift (ties: more support, attribute, value), one
-- criterion <attribute>_fit per attribute (`in` its values, `contains_any` for tools, the
-- employee bands as one employee_count `between` their bounds, `gte` the low one when the
-- open-ended band is among them), weight 100 x (its best lift - 1), rounded.
-- The same rule learned on the training customers (status training) is kept for the back-test and
-- left out of the mart.

create or replace table version_criteria as
with written as (
    select 'written:' || c.icp_version as version_key, c.icp_version, v.effective_from, v.status,
        c.criterion, c.attribute, c.operator, c.value, c.weight
    from icp_criteria as c join written_versions as v using (icp_version)
),
bands as (
    select employee_band, cast(min_employees as bigint) as min_employees,
        cast(max_employees as bigint) as max_employees
    from reference('employee_bands')
),
chosen as (
    select l.population, l.attribute, l.value, l.lift, b.min_employees, b.max_employees,
        b.employee_band is not null and b.max_employees is null as is_open_band
    from value_lifts as l
    left join bands as b on l.attribute = 'employee_band' and l.value = b.employee_band
    where l.is_suggested and l.population in ('all', 'training')
    qualify row_number() over (partition by l.population
        order by l.lift desc, l.support desc, l.attribute, l.value)
        <= getvariable('proposal_max_criteria')
),
by_attribute as (
    select population, if(attribute = 'employee_band', 'employee_count', attribute) as attribute,
        max(lift) as best_lift, string_agg(value, '|' order by value) as listed_values,
        min(min_employees) as low_employees, max(max_employees) as high_employees,
        bool_or(is_open_band) as has_open_band
    from chosen
    group by all
),
proposed as (
    select population || ':proposed-' || getvariable('as_of') as version_key,
        'proposed-' || getvariable('as_of') as icp_version, null::date as effective_from,
        if(population = 'all', 'proposed', 'training') as status,
        attribute || '_fit' as criterion, attribute,
        case
            when attribute = 'employee_count' and has_open_band then 'gte'
            when attribute = 'employee_count' then 'between'
            when attribute = 'tech_stack' then 'contains_any'
            else 'in'
        end as operator,
        case
            when attribute = 'employee_count' and has_open_band then cast(low_employees as varchar)
            when attribute = 'employee_count' then low_employees || '|' || high_employees
            else listed_values
        end as value,
        cast(round(100 * (best_lift - 1)) as double) as weight
    from by_attribute
)
select * from written
union all by name
select * from proposed;

create or replace table icp_version_criteria as
select icp_version, status, effective_from, criterion, attribute, operator, value, weight
from version_criteria
where status <> 'training';
