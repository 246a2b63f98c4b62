-- dim_accounts, one row per CRM account: firmographics, customer facts, unit economics, ICP fit
-- and personas, money to the cent as the mart shows it.

create or replace table dim_accounts as
select g.account_id, g.account_name, g.domain, g.industry, g.employee_count, g.employee_band,
    cents(g.annual_revenue_usd) as annual_revenue_usd, g.country_code, g.region,
    g.business_model, g.funding_stage, g.tech_stack, g.founded_year,
    f.customer_status, f.first_paid_at, f.acquisition_month, g.acquisition_channel,
    f.churned_at, f.tenure_months,
    fit.icp_version, fit.score as icp_fit_score,
    fit_tier(fit.score) as icp_tier,
    fit.reasons as icp_fit_reasons, fit.gaps as icp_fit_gaps,
    cents(f.lifetime_revenue_usd) as lifetime_revenue_usd, cents(f.mrr_usd) as mrr_usd,
    cents(u.arpa_usd) as arpa_usd, round(u.monthly_churn_rate, 6) as monthly_churn_rate,
    round(u.expected_lifetime_months, 2) as expected_lifetime_months,
    cents(u.ltv_usd) as ltv_usd, cents(u.cac_usd) as cac_usd,
    round(u.ltv_to_cac, 2) as ltv_to_cac, round(u.cac_payback_months, 2) as cac_payback_months,
    round(fit.confidence, 4) as icp_fit_confidence,
    coalesce(b.is_best_customer, false) as is_best_customer,
    coalesce(p.contact_count, 0) as contact_count,
    coalesce(p.economic_buyer_contacts, 0) as economic_buyer_contacts,
    coalesce(p.champion_contacts, 0) as champion_contacts,
    coalesce(p.technical_evaluator_contacts, 0) as technical_evaluator_contacts,
    coalesce(p.end_user_contacts, 0) as end_user_contacts,
    coalesce(p.unknown_persona_contacts, 0) as unknown_persona_contacts,
    coalesce(p.economic_buyer_contacts, 0) > 0 as has_economic_buyer
from firmographics as g
join customer_facts as f using (account_id)
left join unit_economics as u using (account_id)
left join account_fit as fit using (account_id)
left join best_customers as b using (account_id)
left join account_personas as p using (account_id);
